import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread on `entry` (a path without extension, next to the caller's file): the
 * compiled `.js` when the caller runs compiled (`npm start`); as TypeScript (`npm run dev`,
 * `npm run bench`, jest, whose transform does not reach worker threads) the thread registers
 * ts-node itself first, unless an inherited `-r ts-node/register` already has.
 */
export function startThread(entry: string, options: { workerData?: unknown; resourceLimits?: ResourceLimits; callerFile: string }): Worker {
  const extension = path.extname(options.callerFile);
  const file = `${entry}${extension}`;
  if (extension !== '.ts') return new Worker(file, { workerData: options.workerData, resourceLimits: options.resourceLimits });
  const bootstrap = `
    if (!require.extensions['.ts']) require('ts-node').register({ transpileOnly: true, projectSearchDir: ${JSON.stringify(path.dirname(file))} });
    require(${JSON.stringify(file)});`;
  return new Worker(bootstrap, { eval: true, workerData: options.workerData, resourceLimits: options.resourceLimits });
}

/**
 * Linux: the calling thread yields the CPU to the process's other threads (niceness 10 for its
 * thread id, from /proc/thread-self), so that on a busy machine the event loop that serves
 * requests, not background work, gets the core. Elsewhere, or when not permitted, it runs at
 * normal priority.
 */
export function lowerThreadPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, 10);
  } catch {
    // Not Linux, or not allowed: normal priority.
  }
}
