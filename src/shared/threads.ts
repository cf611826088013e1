import { readdirSync, readlinkSync } from 'node:fs';
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
  lower(() => [readlinkSync('/proc/thread-self').split('/').pop() as string]);
}

/**
 * Linux: the whole process (every thread it has now, from /proc/self/task; threads started later
 * inherit the niceness of the thread that starts them) yields the CPU to other processes on the
 * machine: a process that does background work only (the webhook worker of `npm run webhooks`)
 * beside the API's. Elsewhere, or when not permitted, it runs at normal priority.
 */
export function lowerProcessPriority(): void {
  lower(() => readdirSync('/proc/self/task'));
}

function lower(threadIds: () => string[]): void {
  try {
    for (const id of threadIds().map(Number)) {
      if (Number.isInteger(id) && id > 0) setPriority(id, 10);
    }
  } catch {
    // Not Linux, or not allowed: normal priority.
  }
}
