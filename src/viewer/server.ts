/**
 * The viewer's HTTP server (node:http): serves the built page (dist/viewer), the avatar files and the
 * builtin motions pre-exported for the avatar's skeleton. Loopback only by default; GET/HEAD only; paths are
 * resolved inside their root and re-checked after following symlinks, so nothing outside is reachable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { packageRoot } from '../core/version.js';

/** Default port (Vite's). */
export const DEFAULT_VIEWER_PORT = 5173;
/** Default bind address: loopback only. */
export const DEFAULT_VIEWER_HOST = '127.0.0.1';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.bin': 'application/octet-stream',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.map': 'application/json; charset=utf-8',
  '.bvh': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/** Where `vite build` puts the page. Fails with a clear message when the page was not built. */
export function viewerPageDir(): string {
  const dir = join(packageRoot(), 'dist', 'viewer');
  if (!existsSync(join(dir, 'index.html')))
    throw new PersonaError(`The viewer page is not built (${dir}/index.html is missing).`, { hint: 'Run `npm run build` (it runs vite build for the viewer).' });
  return dir;
}

/** In-memory files served under a URL prefix (e.g. the pre-exported motions). */
export type MemoryFiles = Map<string, Uint8Array | string>;

/** What the server serves. */
export interface ViewerServerOptions {
  /** Folder holding avatar.json + avatar.bin, served under /avatar/. */
  avatarDir: string;
  /** Built page folder (default: dist/viewer). */
  pageDir?: string;
  /** Files served from memory, keyed by URL path (e.g. '/motions/index.json'). */
  memoryFiles?: MemoryFiles;
  port?: number;
  host?: string;
}

/** A running viewer server. */
export interface ViewerServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Maps a URL path onto a file under `root`, or null when it would leave `root` (`..`, encoded separators,
 * NUL, absolute drive paths) or names a hidden file. Symlinks are checked separately after `realpath`.
 */
export function safeJoin(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p.length > 0);
  for (const p of parts) if (p === '..' || p === '.' || p.startsWith('.') || p.includes(':')) return null;
  return join(root, ...parts);
}

function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** Starts the server; resolves once it listens. Port 0 picks a free port. */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const pageDir = options.pageDir ?? viewerPageDir();
  const host = options.host ?? DEFAULT_VIEWER_HOST;
  const avatarDir = options.avatarDir;
  if (!existsSync(join(avatarDir, 'avatar.json')) || !existsSync(join(avatarDir, 'avatar.bin')))
    throw new PersonaError(`No avatar in ${avatarDir} (expected avatar.json and avatar.bin).`, { hint: 'Give the avatar folder (e.g. <subject>/avatar).' });
  const roots = { page: await realpath(pageDir), avatar: await realpath(avatarDir) };
  const memory = options.memoryFiles ?? new Map();
  const loopbackOnly = isLoopbackHost(host);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (code: number, text: string): void => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text + '\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.setHeader('allow', 'GET, HEAD'); return send(405, 'method not allowed'); }
    // DNS-rebinding guard: on loopback, only answer requests addressed to a loopback name.
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (loopbackOnly && !isLoopbackHost(hostHeader)) return send(403, 'forbidden host');
    const path = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    const mem = memory.get(path);
    if (mem !== undefined) {
      const body = typeof mem === 'string' ? Buffer.from(mem) : mem;
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': body.byteLength, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    let root: string, rel: string;
    if (path.startsWith('/avatar/')) { root = roots.avatar; rel = path.slice('/avatar/'.length); }
    else { root = roots.page; rel = path === '/' ? 'index.html' : path; }
    const file = safeJoin(root, rel);
    if (!file) return send(404, 'not found');
    let real: string;
    try {
      real = await realpath(file);
    } catch {
      return send(404, 'not found');
    }
    if (!real.startsWith(root + sep)) return send(404, 'not found');
    const st = await stat(real);
    if (!st.isFile()) return send(404, 'not found');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(real)] ?? 'application/octet-stream', 'content-length': st.size,
      'cache-control': 'no-cache', 'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(real).on('error', () => res.destroy()).pipe(res);
  };

  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE'
        ? new PersonaError(`Port ${options.port ?? DEFAULT_VIEWER_PORT} is in use.`, { hint: 'Pick another with --port.' })
        : err));
    server.listen(options.port ?? DEFAULT_VIEWER_PORT, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port ?? DEFAULT_VIEWER_PORT;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    server, port, url: `http://${shown}:${port}/`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
