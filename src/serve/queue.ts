/**
 * Where queued jobs wait and who runs them. Two implementations behind one interface: the embedded queue
 * (in the server process; runs jobs in child processes; survives restarts through the job records) and
 * BullMQ on Redis (src/serve/bullQueue.ts; `persona worker` processes run the jobs).
 */
import type { JobEvents } from './events.js';
import { resetRunning } from './progress.js';
import { runJob } from './run.js';
import type { JobStore } from './store.js';

export interface JobQueue {
  /** Resumes what a previous server left (embedded) or connects (BullMQ). */
  start(): Promise<void>;
  /** Queues a job whose record is saved with state 'queued'. */
  enqueue(id: string): Promise<void>;
  /** Stops a queued or running job; its record ends 'cancelled'. */
  cancel(id: string): Promise<void>;
  /** Stops taking jobs; running jobs are stopped and stay resumable. */
  close(): Promise<void>;
  /** A line for the server's start message. */
  describe(): string;
}

/** Jobs in the server process, `concurrency` at a time, each in its own child process. */
export class EmbeddedQueue implements JobQueue {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  private closed = false;

  constructor(private readonly store: JobStore, private readonly events: JobEvents, private readonly concurrency: number) {}

  describe(): string {
    return `embedded queue, ${this.concurrency} job${this.concurrency === 1 ? '' : 's'} at a time`;
  }

  /** Requeues jobs that were queued or running when the previous server stopped (oldest first). */
  async start(): Promise<void> {
    const jobs = (await this.store.list()).filter((j) => j.state === 'queued' || j.state === 'running').reverse();
    for (const job of jobs) {
      if (job.state === 'running') {
        resetRunning(job);
        job.state = 'queued';
        await this.store.save(job);
      }
      this.waiting.push(job.id);
    }
    this.pump();
  }

  async enqueue(id: string): Promise<void> {
    this.waiting.push(id);
    this.pump();
  }

  async cancel(id: string): Promise<void> {
    const k = this.waiting.indexOf(id);
    if (k >= 0) {
      this.waiting.splice(k, 1);
      const job = await this.store.get(id);
      if (job && job.state === 'queued') {
        Object.assign(job, { state: 'cancelled', finishedAt: new Date().toISOString() });
        await this.store.save(job);
        this.events.publish(job);
      }
      return;
    }
    const run = this.running.get(id);
    if (run) {
      run.abort.abort('cancel');
      await run.done;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort('shutdown');
    await Promise.all(runs.map((r) => r.done));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      if (this.running.has(id)) continue;
      const abort = new AbortController();
      const done = runJob(this.store, id, { signal: abort.signal, worker: 'embedded', onUpdate: (job) => this.events.publish(job) })
        .catch((err: unknown) => process.stderr.write(`persona serve: job ${id}: ${(err as Error).message}\n`))
        .finally(() => {
          this.running.delete(id);
          this.pump();
        });
      this.running.set(id, { abort, done });
    }
  }
}
