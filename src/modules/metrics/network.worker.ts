import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../../shared/threads';
import { computeNetwork, type NetworkJob, type NetworkReply } from './network.compute';

// The worker thread's entry (started by network.thread.ts): one computation per message, in turn.
// The figures' arrays are transferred back, not copied.
const port = parentPort;
if (!port) throw new Error('network.worker.ts runs as a worker thread (see network.thread.ts)');
// On a busy machine the event loop, not the computation, gets the core.
lowerThreadPriority();
port.on('message', (job: NetworkJob) => {
  let reply: NetworkReply;
  try {
    reply = { id: job.id, output: computeNetwork(job.input) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  const output = 'output' in reply ? reply.output : undefined;
  const buffers = output ? [output.degree, output.betweenness, output.byDegree, output.byBetweenness].map((array) => array.buffer as ArrayBuffer) : [];
  port.postMessage(reply, buffers);
});
