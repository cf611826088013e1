import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { computeNetwork, type NetworkJob, type NetworkReply } from './network.compute';

/**
 * Linux: this thread yields the CPU to the process's other threads (niceness 10 for its thread id,
 * from /proc/thread-self), so that on a busy machine the event loop, not the computation, gets
 * the core. Elsewhere, or when not permitted, it runs at normal priority.
 */
function lowerPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, 10);
  } catch {
    // Not Linux, or not allowed: normal priority.
  }
}

// The worker thread's entry (started by network.thread.ts): one computation per message, in turn.
// The figures' arrays are transferred back, not copied.
const port = parentPort;
if (!port) throw new Error('network.worker.ts runs as a worker thread (see network.thread.ts)');
lowerPriority();
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
