/** `persona serve` and `persona worker`: the web app, its API, the embedded and BullMQ queues. */
export { startServeServer, type RunningServer, type ServeOptions } from './server.js';
export { EmbeddedQueue, type JobQueue } from './queue.js';
export { BullQueue, redisOptions } from './bullQueue.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { JobStore, isJobId } from './store.js';
export { JobEvents } from './events.js';
export { SERVE_CONFIG } from './config.js';
export type { JobRecord, JobState, JobOptions } from './types.js';
export { isLoopbackHost } from './server.js';
