/** Job updates for the SSE streams: whoever changes a job (an embedded run, a BullMQ event) publishes the record here. */
import { EventEmitter } from 'node:events';
import type { JobRecord } from './types.js';

export class JobEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0); // one listener per open page
  }
  /** Publishes a copy: the runner keeps changing its record, and a listener may use it later (after a file check). */
  publish(job: JobRecord): void {
    const copy = structuredClone(job);
    this.emitter.emit('job', copy);
    this.emitter.emit(`job:${job.id}`, copy);
  }
  /** Calls `listener` on each update of job `id` (or of every job with '*'); returns the unsubscribe function. */
  subscribe(id: string, listener: (job: JobRecord) => void): () => void {
    const name = id === '*' ? 'job' : `job:${id}`;
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
