import path from 'node:path';
import type { Worker, ResourceLimits } from 'node:worker_threads';
import { startThread } from '../../shared/threads';
import type { NetworkInput, NetworkJob, NetworkOutput, NetworkReply } from './network.compute';

/** The computation failed in the worker thread, or the thread died; the request fails, the next one starts a new thread. */
export class NetworkWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkWorkerError';
  }
}

export interface NetworkWorkerOptions {
  /** A thread idle this long ends (its memory goes back); the next computation starts a new one. */
  idleMs?: number;
  /** Heap limits of the thread (a computation that exceeds them fails alone, the server lives on). */
  resourceLimits?: ResourceLimits;
}

/** The thread's entry: network.worker(.js|.ts) next to this file (shared/threads.ts). */
function startNetworkThread(options: NetworkWorkerOptions): Worker {
  return startThread(path.join(__dirname, 'network.worker'), { resourceLimits: options.resourceLimits, callerFile: __filename });
}

/**
 * One long-lived worker thread for the network measures, started on first use: computations queue
 * in it and run one at a time (two cold scopes at once do not take two cores from the requests).
 * It never keeps the process alive on its own (unreferenced while nothing waits for it). If it
 * dies (a crash, the heap limit), every computation waiting for it is rejected and the next one
 * starts a new thread.
 */
export class NetworkWorker {
  private thread: Worker | undefined;
  private readonly waiting = new Map<number, { resolve: (output: NetworkOutput) => void; reject: (error: Error) => void }>();
  private lastId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NetworkWorkerOptions = {}) {}

  /** Computes in the thread; `input`'s arrays are moved there (unusable here afterwards). */
  run(input: NetworkInput): Promise<NetworkOutput> {
    clearTimeout(this.idleTimer);
    const thread = this.thread ?? this.start();
    const id = ++this.lastId;
    const job: NetworkJob = { id, input };
    return new Promise<NetworkOutput>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      thread.ref();
      thread.postMessage(job, [input.edges.buffer as ArrayBuffer, input.patients.buffer as ArrayBuffer]);
    });
  }

  /** Ends the thread (the server is stopping): computations still waiting are rejected. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const thread = this.thread;
    if (!thread) return;
    this.forget(thread, new NetworkWorkerError('The network computation was cancelled: the server is stopping.'));
    await thread.terminate();
  }

  private start(): Worker {
    const thread = startNetworkThread(this.options);
    this.thread = thread;
    thread.unref();
    thread.on('message', (reply: NetworkReply) => {
      const job = this.waiting.get(reply.id);
      if (!job) return;
      this.waiting.delete(reply.id);
      if ('output' in reply) job.resolve(reply.output);
      else job.reject(new NetworkWorkerError(`The network computation failed: ${reply.error}`));
      if (this.waiting.size === 0 && this.thread === thread) this.idle(thread);
    });
    thread.on('error', (error) => this.forget(thread, new NetworkWorkerError(`The network worker thread crashed: ${error.message}`)));
    thread.on('exit', (code) => this.forget(thread, new NetworkWorkerError(`The network worker thread exited (code ${code}) before answering.`)));
    return thread;
  }

  /** Nothing waits: the thread no longer holds the process, and ends after `idleMs`. */
  private idle(thread: Worker): void {
    thread.unref();
    if (this.options.idleMs === undefined) return;
    this.idleTimer = setTimeout(() => {
      if (this.thread === thread && this.waiting.size === 0) {
        this.thread = undefined;
        void thread.terminate();
      }
    }, this.options.idleMs);
    this.idleTimer.unref();
  }

  /** The thread is gone or going: reject what waits for it; the next run starts a new one. */
  private forget(thread: Worker, error: Error): void {
    if (this.thread !== thread) return;
    this.thread = undefined;
    for (const job of this.waiting.values()) job.reject(error);
    this.waiting.clear();
  }
}
