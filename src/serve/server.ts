/**
 * `persona serve`'s HTTP server (node:http): the page, the JSON API (docs/serve.md), SSE progress streams, the
 * viewer page per finished job and exports. Heavy work never runs here: uploads are checked in a long-lived
 * child process, jobs run in child processes (embedded queue) or on workers (BullMQ), exports in a child.
 * Every file route builds its path from a checked job id and a fixed name (or the viewer's guarded static
 * server's rules for the page's assets); the data folder is never served wholesale.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { writeFileAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { packageRoot } from '../core/version.js';
import type { AvatarHeader } from '../avatar/bundle.js';
import { listBuiltinMotions } from '../motion/index.js';
import { DEFAULT_MOTIONS } from '../generate/stage.js';
import { PRESET_NAMES } from '../subject/index.js';
import { builtinMotionFiles } from '../viewer/motions.js';
import { safeJoin, viewerPageDir } from '../viewer/server.js';
import { WorkChild, WorkError } from './child.js';
import { SERVE_CONFIG } from './config.js';
import { JobEvents } from './events.js';
import { DEFAULT_WEB_QUALITY, parseJobOptions } from './options.js';
import { freshStages } from './progress.js';
import type { JobQueue } from './queue.js';
import { JobStore, newJobId, SUBJECT_VIEWS } from './store.js';
import { TERMINAL_STATES, type JobRecord } from './types.js';
import { displayName, HttpError, parseMultipart, photoPath, readBody, sniffPhotoType } from './upload.js';
import { exportFormats } from './work.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.bin': 'application/octet-stream', '.png': 'image/png', '.gif': 'image/gif',
  '.mp4': 'video/mp4', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.glb': 'model/gltf-binary',
};

export interface ServeOptions {
  dataDir: string;
  queue: JobQueue;
  store: JobStore;
  events: JobEvents;
  port?: number;
  host?: string;
  /** Required on every request when set (header `Authorization: Bearer …`, or `?token=` once, which sets a cookie). */
  token?: string;
  maxUploadBytes?: number;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** The page's own files (plain HTML/CSS/JS, no build step). */
export function servePageDir(): string {
  return join(packageRoot(), 'src', 'serve', 'web');
}

export async function startServeServer(o: ServeOptions): Promise<RunningServer> {
  const host = o.host ?? SERVE_CONFIG.host;
  const loopback = isLoopbackHost(host);
  if (!loopback && !o.token)
    throw new PersonaError(`--host ${host} exposes the server beyond this machine, so a --token is required.`, { hint: 'Add --token <a long random secret> and give it to your users as ?token=…', exitCode: 2 });
  const maxUpload = o.maxUploadBytes ?? SERVE_CONFIG.maxUploadBytes;
  const { store, events, queue } = o;
  const roots = { page: await realpath(servePageDir()), viewer: await realpath(viewerPageDir()) };
  let checker: WorkChild | undefined;
  let checking: Promise<unknown> = Promise.resolve();
  const exportsInFlight = new Map<string, Promise<string>>();
  const exportChildren = new Set<WorkChild>();
  const motionCache = new Map<string, Map<string, string>>();
  const streams = new Set<ServerResponse>();

  /** Checks one upload in the long-lived checker child (one at a time; the models stay loaded). */
  const check = (photo: string, subject: string, person?: number): Promise<unknown> => {
    const run = checking.then(() => {
      if (!checker?.alive) checker = new WorkChild();
      return checker.request({ kind: 'check', photo, subject, person });
    });
    checking = run.catch(() => undefined);
    return run;
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, message: string, hint?: string): void => json(res, status, { error: message, ...(hint ? { hint } : {}) });

  /** Sends a file that is known to be inside `root` (checked again after realpath). */
  const sendFile = async (req: IncomingMessage, res: ServerResponse, root: string, rel: string, headers: Record<string, string> = {}): Promise<void> => {
    const file = safeJoin(root, rel);
    if (!file) return fail(res, 404, 'not found');
    let real: string;
    try {
      real = await realpath(file);
    } catch {
      return fail(res, 404, 'not found');
    }
    const realRoot = await realpath(root).catch(() => root);
    if (!real.startsWith(realRoot + sep)) return fail(res, 404, 'not found');
    const st = await stat(real);
    if (!st.isFile()) return fail(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(real)] ?? 'application/octet-stream', 'content-length': String(st.size),
      'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...headers,
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(real).on('error', () => res.destroy()).pipe(res);
  };

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!o.token) return true;
    const given = [
      /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1],
      /(?:^|;\s*)persona_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1],
      url.searchParams.get('token') ?? undefined,
    ];
    const want = Buffer.from(o.token);
    return given.some((g) => g !== undefined && Buffer.from(decodeURIComponent(g)).length === want.length && timingSafeEqual(Buffer.from(decodeURIComponent(g)), want));
  };

  const createJob = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, maxUpload + SERVE_CONFIG.maxJsonBytes);
    const parts = parseMultipart(body, req.headers['content-type']);
    const photo = parts.find((p) => p.name === 'photo' && p.filename !== undefined);
    if (!photo || photo.data.length === 0) throw new HttpError(400, 'No photo in the upload.', 'Send the photo as the form field "photo".');
    if (photo.data.length > maxUpload) throw new HttpError(413, `The photo is larger than ${Math.round(maxUpload / 1024 / 1024)} MB.`, 'Use a smaller photo.');
    const fields = new Map(parts.filter((p) => p.filename === undefined).map((p) => [p.name, p.data.toString('utf8')]));
    const options = parseJobOptions(fields);
    const name = displayName(photo.filename);
    const type = sniffPhotoType(photo.data);
    if (!type) throw new HttpError(415, `${name} is not a JPEG, PNG or WebP photo (or the file is damaged).`, 'Choose a JPEG, PNG or WebP photo of one person, whole body visible.');
    const id = newJobId();
    const paths = store.paths(id);
    const now = new Date().toISOString();
    const job: JobRecord = {
      id, state: 'queued', stage: null, progress: 0, etaSeconds: null, stages: freshStages(), options, photoName: name, photoType: type,
      createdAt: now, updatedAt: now, warnings: [], attempts: 0, files: [],
    };
    const photoFile = photoPath(paths.dir, job);
    await mkdir(paths.dir, { recursive: true });
    try {
      await writeFileAtomic(photoFile, photo.data);
      const checked = (await check(photoFile, paths.subject, options.person)) as { warnings: string[] };
      job.warnings.push(...checked.warnings);
    } catch (err) {
      await rm(paths.dir, { recursive: true, force: true });
      if (err instanceof WorkError && !err.unexpected) {
        // Messages name the stored file; the user knows it by its own name.
        const clean = (s?: string): string | undefined => s?.split(photoFile).join(name).split(paths.subject).join('the upload');
        throw new HttpError(422, clean(err.error.message)!, clean(err.error.hint));
      }
      throw err;
    }
    await store.save(job);
    await queue.enqueue(id);
    events.publish((await store.get(id)) ?? job);
    json(res, 201, { id });
  };

  const jobEvents = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const job = await store.get(id);
    if (!job) return fail(res, 404, 'no such job');
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    streams.add(res);
    const send = (j: JobRecord): void => void res.write(`event: job\ndata: ${JSON.stringify(j)}\n\n`);
    send(job);
    let order: Promise<void> = Promise.resolve();
    const unsubscribe = events.subscribe(id, (j) => {
      // Records from runs carry no file list; fill it (a few existence checks) so overlays show as they appear.
      // Chained, so that events leave in the order they came.
      order = order.then(() => store.get(id)).then((disk) => send({ ...j, files: disk?.files ?? j.files }), () => undefined);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SERVE_CONFIG.heartbeatMs);
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  };

  const exportJob = async (req: IncomingMessage, res: ServerResponse, id: string, url: URL): Promise<void> => {
    const job = await store.get(id);
    if (!job) return fail(res, 404, 'no such job');
    if (job.state !== 'done') return fail(res, 409, 'The avatar is not finished yet.', 'Wait until the job is done.');
    const format = (url.searchParams.get('format') ?? '').toLowerCase();
    if (!exportFormats().includes(format)) return fail(res, 400, `Unknown export format "${format.slice(0, 20)}".`, `Use one of: ${exportFormats().join(', ')}.`);
    const motion = url.searchParams.get('motion') ?? undefined;
    if (motion !== undefined && !listBuiltinMotions().some((m) => m.name === motion)) return fail(res, 400, `Unknown motion "${motion.slice(0, 40)}".`);
    const paths = store.paths(id);
    const key = `${id}/${format}/${motion ?? ''}`;
    let made = exportsInFlight.get(key);
    if (!made) {
      const child = new WorkChild();
      exportChildren.add(child);
      made = (child.request({ kind: 'export', avatar: paths.avatar, exports: paths.exports, format, quality: job.options.quality, motion }) as Promise<string>)
        .finally(() => {
          exportsInFlight.delete(key);
          exportChildren.delete(child);
          void child.kill();
        });
      exportsInFlight.set(key, made);
    }
    let file: string;
    try {
      file = await made;
    } catch (err) {
      if (err instanceof WorkError) return fail(res, err.unexpected ? 500 : 422, err.error.message, err.error.hint);
      throw err;
    }
    const download = `avatar-${id.slice(0, 8)}${format === 'gif' || format === 'mp4' ? `-${basename(file, extname(file))}` : ''}.${format}`;
    await sendFile(req, res, paths.exports, basename(file), { 'content-disposition': `attachment; filename="${download}"`, 'cache-control': 'no-store' });
  };

  const viewerFiles = async (id: string): Promise<Map<string, string>> => {
    let files = motionCache.get(id);
    if (!files) {
      const header = JSON.parse(await readFile(join(store.paths(id).avatar, 'avatar.json'), 'utf8')) as AvatarHeader;
      files = builtinMotionFiles(header).files;
      motionCache.set(id, files);
    }
    return files;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (loopback && !isLoopbackHost(hostHeader)) return fail(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (!authorized(req, url)) return fail(res, 401, 'A token is required.', 'Open the page with ?token=<the token given to you>, or send Authorization: Bearer <token>.');
    if (o.token && url.searchParams.get('token')) res.setHeader('set-cookie', `persona_token=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`);
    const get = method === 'GET' || method === 'HEAD';

    // The page.
    if (get && (path === '/' || path === '/index.html')) return sendFile(req, res, roots.page, 'index.html');
    if (get && /^\/(app\.js|style\.css)$/.test(path)) return sendFile(req, res, roots.page, path.slice(1));

    // The API.
    if (path === '/api/info' && get)
      return json(res, 200, {
        qualities: PRESET_NAMES, defaultQuality: DEFAULT_WEB_QUALITY, motions: listBuiltinMotions().map((m) => ({ name: m.name, description: m.description })),
        defaultMotions: DEFAULT_MOTIONS, formats: exportFormats(), maxUploadBytes: maxUpload, queue: queue.describe(),
      });
    if (path === '/api/jobs') {
      if (get) return json(res, 200, { jobs: await store.list() });
      if (method === 'POST') return createJob(req, res);
      return fail(res, 405, 'method not allowed');
    }
    const m = /^\/api\/jobs\/([^/]+)(?:\/(events|cancel|retry|export|files\/[^/]+|avatar\/avatar\.(?:json|bin)))?$/.exec(path);
    if (m) {
      const id = m[1]!;
      const job = await store.get(id); // undefined for anything that is not an existing job id
      if (!job) return fail(res, 404, 'no such job');
      const sub = m[2];
      if (sub === undefined) {
        if (get) return json(res, 200, job);
        if (method === 'DELETE') {
          if (!TERMINAL_STATES.includes(job.state)) await queue.cancel(id);
          motionCache.delete(id);
          await store.remove(id);
          return json(res, 200, { id, deleted: true });
        }
        return fail(res, 405, 'method not allowed');
      }
      if (sub === 'events' && get) return jobEvents(req, res, id);
      if (sub === 'cancel' && method === 'POST') {
        if (TERMINAL_STATES.includes(job.state)) return fail(res, 409, `The job is already ${job.state}.`);
        await queue.cancel(id);
        return json(res, 202, { id, cancelling: true });
      }
      if (sub === 'retry' && method === 'POST') {
        if (job.state !== 'failed' && job.state !== 'cancelled') return fail(res, 409, `Only a failed or cancelled job can be retried (this one is ${job.state}).`);
        Object.assign(job, { state: 'queued', error: undefined, finishedAt: undefined });
        await store.save(job);
        await queue.enqueue(id);
        events.publish(job);
        return json(res, 202, { id, state: 'queued' });
      }
      if (sub === 'export' && get) return exportJob(req, res, id, url);
      if (sub?.startsWith('files/') && get) {
        const rel = SUBJECT_VIEWS[sub.slice('files/'.length)];
        if (!rel) return fail(res, 404, 'not found');
        return sendFile(req, res, store.paths(id).subject, rel, { 'cache-control': 'no-store' });
      }
      if (sub?.startsWith('avatar/') && get) {
        if (job.state !== 'done') return fail(res, 409, 'The avatar is not finished yet.');
        return sendFile(req, res, store.paths(id).avatar, sub.slice('avatar/'.length));
      }
      return fail(res, 405, 'method not allowed');
    }

    // The viewer page for one finished avatar: the existing page, its relative URLs mapped onto the job.
    const v = /^\/jobs\/([^/]+)\/view\/(.*)$/.exec(path);
    if (v && get) {
      const id = v[1]!;
      const job = await store.get(id);
      if (!job || job.state !== 'done') return fail(res, 404, 'no finished avatar with this id');
      const rest = v[2]!;
      if (rest === '' || rest === 'index.html') return sendFile(req, res, roots.viewer, 'index.html');
      if (rest === 'avatar/avatar.json' || rest === 'avatar/avatar.bin') return sendFile(req, res, store.paths(id).avatar, rest.slice('avatar/'.length));
      if (rest.startsWith('motions/')) {
        const body = (await viewerFiles(id)).get(`/${rest}`);
        if (body === undefined) return fail(res, 404, 'not found');
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
        return void res.end(method === 'HEAD' ? undefined : body);
      }
      return sendFile(req, res, roots.viewer, rest);
    }
    if (v) return fail(res, 405, 'method not allowed');
    return fail(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return fail(res, err.status, err.message, err.hint);
      if (err instanceof PersonaError) return fail(res, 400, err.message, err.hint);
      process.stderr.write(`persona serve: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}\n`);
      fail(res, 500, 'internal error', 'See the server log.');
    });
  });
  server.requestTimeout = 0; // SSE streams stay open; uploads are bounded by size instead
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PersonaError(`Port ${o.port ?? SERVE_CONFIG.port} is in use.`, { hint: 'Pick another with --port.' }) : err));
    server.listen(o.port ?? SERVE_CONFIG.port, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port ?? SERVE_CONFIG.port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server, port, url: `http://${shown}:${port}/`,
    close: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([checker?.kill(), ...[...exportChildren].map((c) => c.kill())]);
      await queue.close();
    },
  };
}

