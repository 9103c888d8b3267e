import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { BullQueue, EmbeddedQueue, JobEvents, JobStore, SERVE_CONFIG, startServeServer, startWorker, type JobQueue } from '../serve/index.js';
import { isLoopbackHost } from '../serve/index.js';
import { parsePositiveInt, progressFrom } from './context.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new PersonaError(`--port must be an integer 0–65535 (got "${value}").`, { exitCode: 2 });
  return n;
}

/** One training per pair of cores (training already uses worker threads). */
export function defaultConcurrency(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

/** `persona serve` and `persona worker`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('a web app: upload a photo, watch the avatar being made, view it, download exports')
    .option('--data <dir>', 'folder for jobs (photos, subject folders, exports); shared with workers when --queue is used', 'persona-data')
    .option('--port <n>', 'port (0 picks a free one)', parsePort, SERVE_CONFIG.port)
    .option('--host <addr>', 'address to listen on (loopback by default; anything else needs --token)', SERVE_CONFIG.host)
    .option('--token <secret>', 'required from every client (needed when --host is not loopback)')
    .option('--workers <n>', 'jobs run at once by the embedded queue (default: one per two cores)', parsePositiveInt('workers'))
    .option('--queue <url>', 'redis://host:6379 — put jobs on BullMQ; `persona worker` processes run them')
    .action(async (o: { data: string; port: number; host: string; token?: string; workers?: number; queue?: string }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (!isLoopbackHost(o.host) && !o.token)
        throw new PersonaError(`--host ${o.host} exposes the server beyond this machine, so a --token is required.`, { hint: 'Add --token <a long random secret> and give it to your users as ?token=…', exitCode: 2 });
      if (o.queue && o.workers) throw new PersonaError('--workers applies to the embedded queue; with --queue, start `persona worker --concurrency N` processes instead.', { exitCode: 2 });
      const store = new JobStore(resolve(o.data));
      await store.init();
      const events = new JobEvents();
      const queue: JobQueue = o.queue ? new BullQueue(o.queue, store, events) : new EmbeddedQueue(store, events, o.workers ?? defaultConcurrency());
      await queue.start();
      const server = await startServeServer({ dataDir: store.dataDir, store, events, queue, port: o.port, host: o.host, token: o.token });
      if (!isLoopbackHost(o.host)) progress.warn(`listening on ${o.host}: anyone who can reach it and knows the token can upload photos and read avatars`);
      progress.info(`serve: ${queue.describe()}; data in ${store.dataDir}`);
      progress.info(`serve: open ${server.url}${o.token ? '?token=<token>' : ''} (Ctrl-C to stop; running jobs resume on the next start)`);
      if (cmd.optsWithGlobals<{ quiet?: boolean }>().quiet) process.stdout.write(`${server.url}\n`);
      await untilStopped();
      await server.close();
    });
  program
    .command('worker')
    .description('take avatar jobs from a BullMQ queue (see `persona serve --queue`); run any number, on any machines sharing --data')
    .requiredOption('--queue <url>', 'redis://host:6379 (the same as the server\'s)')
    .requiredOption('--data <dir>', 'the server\'s data folder (shared storage: NFS, SMB…)')
    .option('--concurrency <n>', 'jobs at once (default: one per two cores)', parsePositiveInt('concurrency'))
    .option('--name <name>', 'name shown in job records (default: host:pid)')
    .option('--lock-ms <ms>', 'BullMQ lock duration; a dead worker\'s job moves to another worker after about this long', parsePositiveInt('lock-ms'))
    .action(async (o: { queue: string; data: string; concurrency?: number; name?: string; lockMs?: number }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const worker = await startWorker({
        queue: o.queue, dataDir: resolve(o.data), concurrency: o.concurrency ?? defaultConcurrency(), name: o.name,
        lockDurationMs: o.lockMs, stalledIntervalMs: o.lockMs, log: (line) => progress.info(line),
      });
      progress.info(`worker ${worker.name}: waiting for jobs on ${o.queue} (data in ${resolve(o.data)})`);
      await untilStopped();
      await worker.close();
    });
}
