/**
 * Scale-out on BullMQ (Redis): the server puts job ids on a BullMQ queue; `persona worker` processes on any
 * number of machines take them (src/serve/worker.ts) and write results into the shared data folder. Progress
 * flows back as BullMQ job progress (the whole job record), which the server relays to its SSE streams.
 * A worker that dies leaves its job's lock to expire; BullMQ's stalled-job check puts the job back in the
 * queue, and the next worker resumes it from the subject folder. Cancelling a running job is a message on a
 * Redis channel that every worker hears; the one running the job aborts it (BullMQ's Worker.cancelJob).
 */
import type { ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { PersonaError } from '../core/errors.js';
import { SERVE_CONFIG } from './config.js';
import type { JobEvents } from './events.js';
import type { JobQueue } from './queue.js';
import type { JobStore } from './store.js';
import type { JobRecord } from './types.js';

/** Connection options from a redis:// URL (host, port, user, password, database number). */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PersonaError(`--queue "${url}" is not a URL.`, { hint: 'Use redis://host:6379 (optionally redis://:password@host:6379/0).', exitCode: 2 });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new PersonaError(`--queue "${url}" is not a redis:// URL.`, { hint: 'Use redis://host:6379.', exitCode: 2 });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null, // BullMQ workers block on Redis; ioredis must not give up on those commands
  };
}

/** The same options typed for BullMQ (its own structural RedisOptions type). */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return { ...options } as ConnectionOptions;
}

/** The Redis channel on which cancel requests are published. */
export function cancelChannel(): string {
  return `${SERVE_CONFIG.queueName}:cancel`;
}

/**
 * BullMQ and ioredis, loaded on first use: importing them costs about 0.3 s, which every CLI command paid at
 * start-up although only `serve --queue` and `worker` use them (measured 2026-12-06: `persona --version` 0.70 s).
 */
export async function redisLibraries(): Promise<{ bullmq: typeof import('bullmq'); Redis: typeof Redis }> {
  const [bullmq, ioredis] = await Promise.all([import('bullmq'), import('ioredis')]);
  return { bullmq, Redis: ioredis.Redis };
}

/** Fails with a clear message when Redis cannot be reached within a few seconds. */
export async function pingRedis(options: RedisOptions, url: string): Promise<void> {
  const { Redis } = await redisLibraries();
  const r = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    throw new PersonaError(`Cannot reach Redis at ${url} (${(err as Error).message}).`, { hint: 'Start redis-server, or check the --queue URL.' });
  } finally {
    r.disconnect();
  }
}

export class BullQueue implements JobQueue {
  private readonly connection: RedisOptions;
  private queue?: Queue;
  private queueEvents?: QueueEvents;
  private publisher?: Redis;

  constructor(private readonly url: string, private readonly store: JobStore, private readonly events: JobEvents) {
    this.connection = redisOptions(url);
  }

  describe(): string {
    return `BullMQ queue "${SERVE_CONFIG.queueName}" on ${this.url} (run \`persona worker --queue ${this.url} --data <the same folder>\` on each machine)`;
  }

  async start(): Promise<void> {
    await pingRedis(this.connection, this.url);
    const { bullmq: { Queue, QueueEvents }, Redis } = await redisLibraries();
    this.queue = new Queue(SERVE_CONFIG.queueName, { connection: bullConnection(this.connection) });
    this.queueEvents = new QueueEvents(SERVE_CONFIG.queueName, { connection: bullConnection(this.connection) });
    this.publisher = new Redis(this.connection);
    const onError = (err: Error): void => void process.stderr.write(`persona serve: redis: ${err.message}\n`);
    this.queue.on('error', onError);
    this.queueEvents.on('error', onError);
    this.publisher.on('error', onError);
    this.queueEvents.on('progress', ({ jobId, data }) => {
      const job = data as unknown as JobRecord;
      if (job && typeof job === 'object' && job.id === jobId) this.events.publish(job);
    });
    const final = async ({ jobId }: { jobId: string }): Promise<void> => {
      const job = await this.store.get(jobId);
      if (job) this.events.publish(job);
    };
    this.queueEvents.on('completed', final);
    this.queueEvents.on('failed', final);
    await this.queueEvents.waitUntilReady();
  }

  async enqueue(id: string): Promise<void> {
    const q = this.mustQueue();
    await (await q.getJob(id))?.remove().catch(() => undefined); // a retry reuses the id
    await q.add('avatar', { id }, { jobId: id, removeOnComplete: true, removeOnFail: true });
  }

  async cancel(id: string): Promise<void> {
    const q = this.mustQueue();
    const bull = await q.getJob(id);
    const state = bull ? await bull.getState() : 'unknown';
    if (state === 'active') {
      await this.publisher!.publish(cancelChannel(), id); // the worker running it aborts and records 'cancelled'
      return;
    }
    if (bull) await bull.remove().catch(() => undefined);
    const job = await this.store.get(id);
    if (job && (job.state === 'queued' || job.state === 'running')) {
      Object.assign(job, { state: 'cancelled', finishedAt: new Date().toISOString() });
      await this.store.save(job);
      this.events.publish(job);
    }
  }

  async close(): Promise<void> {
    await this.queueEvents?.close();
    await this.queue?.close();
    this.publisher?.disconnect();
  }

  private mustQueue(): Queue {
    if (!this.queue) throw new Error('the BullMQ queue is not started');
    return this.queue;
  }
}
