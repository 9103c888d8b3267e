/** Job updates for the SSE streams: whoever changes a job (an embedded run, a BullMQ event) publishes the record here. */
import { EventEmitter } from 'node:events';
import type { JobRecord } from './types.js';

export class JobEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0); // one listener per open page
  }
  publish(job: JobRecord): void {
    this.emitter.emit('job', job);
    this.emitter.emit(`job:${job.id}`, job);
  }
  /** Calls `listener` on each update of job `id` (or of every job with '*'); returns the unsubscribe function. */
  subscribe(id: string, listener: (job: JobRecord) => void): () => void {
    const name = id === '*' ? 'job' : `job:${id}`;
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
