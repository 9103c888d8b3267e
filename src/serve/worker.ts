/**
 * `persona worker`: takes jobs from the BullMQ queue and runs them (each in a child process) against the
 * shared data folder. Any number of workers on any number of machines; `concurrency` jobs at a time each.
 */
import { hostname } from 'node:os';
import { SERVE_CONFIG } from './config.js';
import { bullConnection, cancelChannel, pingRedis, redisLibraries, redisOptions } from './bullQueue.js';
import { runJob } from './run.js';
import { JobStore } from './store.js';
import type { JobRecord } from './types.js';

export interface WorkerOptions {
  queue: string;
  dataDir: string;
  concurrency: number;
  name?: string;
  /** BullMQ lock and stalled-check periods (ms); shorter finds dead workers sooner. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  log?: (line: string) => void;
}

export interface RunningWorker {
  name: string;
  /** Stops taking jobs and ends running ones; they stay resumable and another worker picks them up. */
  close(): Promise<void>;
}

/** Progress to BullMQ at most this often (ms), plus every stage change; the record on disk is the truth. */
const PROGRESS_EVERY_MS = 250;

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const connection = redisOptions(o.queue);
  await pingRedis(connection, o.queue);
  const { bullmq: { Worker }, Redis } = await redisLibraries();
  const store = new JobStore(o.dataDir);
  await store.init();
  const name = o.name ?? `${hostname()}:${process.pid}`;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const shutdown = new AbortController();
  const worker = new Worker(
    SERVE_CONFIG.queueName,
    async (bull, _token, signal) => {
      const id = (bull.data as { id: string }).id;
      const control = new AbortController();
      const onCancel = (): void => control.abort('cancel');
      const onShutdown = (): void => control.abort('shutdown');
      signal?.addEventListener('abort', onCancel);
      shutdown.signal.addEventListener('abort', onShutdown);
      let lastSent = 0;
      let lastStage: string | null = null;
      log(`worker ${name}: job ${id} started (attempt ${bull.attemptsStarted})`);
      try {
        const outcome = await runJob(store, id, {
          signal: control.signal,
          worker: name,
          onUpdate: (job: JobRecord) => {
            const now = Date.now();
            if (job.stage === lastStage && job.state === 'running' && now - lastSent < PROGRESS_EVERY_MS) return;
            lastSent = now;
            lastStage = job.stage;
            bull.updateProgress(job as unknown as object).catch(() => undefined);
          },
        });
        log(`worker ${name}: job ${id} ${outcome}`);
        if (outcome === 'stopped') throw new Error('the worker is shutting down; the job will resume on another worker');
        return outcome;
      } finally {
        signal?.removeEventListener('abort', onCancel);
        shutdown.signal.removeEventListener('abort', onShutdown);
      }
    },
    {
      connection: bullConnection(connection),
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs ?? SERVE_CONFIG.lockDurationMs,
      stalledInterval: o.stalledIntervalMs ?? SERVE_CONFIG.stalledIntervalMs,
      maxStalledCount: SERVE_CONFIG.maxStalledCount,
    },
  );
  worker.on('error', (err) => log(`worker ${name}: redis: ${err.message}`));
  const subscriber = new Redis(connection);
  subscriber.on('error', (err) => log(`worker ${name}: redis: ${err.message}`));
  await subscriber.subscribe(cancelChannel());
  subscriber.on('message', (_channel, id: string) => {
    if (worker.cancelJob(id, 'cancelled by the user')) log(`worker ${name}: job ${id} cancelled`);
  });
  await worker.waitUntilReady();
  return {
    name,
    close: async () => {
      shutdown.abort();
      subscriber.disconnect();
      await worker.close(true);
    },
  };
}
