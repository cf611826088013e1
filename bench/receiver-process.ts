import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lowerProcessPriority } from '../src/shared/threads';

/**
 * The partners' webhook receiver of bench/notifications.ts, in a process of its own: a partner's
 * system is not the portal client whose latency is measured, so its work must not run on that
 * client's event loop. Answers 204 to every POST, counts them, and tells the parent over IPC:
 * its address once listening, the count on 'count'. It runs at lower CPU priority: in a
 * deployment the receivers are other organisations' machines, not this one's cores, and here they
 * should take from the measured API and database only the CPU those leave idle (their CPU per
 * mutation is printed all the same).
 */
lowerProcessPriority();
let delivered = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    delivered += 1;
    res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('message', (message) => {
  if (message === 'count') process.send?.({ delivered });
  else if (message === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
