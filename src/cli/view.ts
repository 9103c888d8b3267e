import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { loadAvatar } from '../avatar/bundle.js';
import { PersonaError } from '../core/errors.js';
import { builtinMotionFiles } from '../viewer/motions.js';
import { DEFAULT_VIEWER_HOST, DEFAULT_VIEWER_PORT, startViewerServer } from '../viewer/server.js';
import { avatarFolder, exportViewerSite } from '../viewer/site.js';
import { progressFrom } from './context.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new PersonaError(`--port must be an integer 0–65535 (got "${value}").`, { exitCode: 2 });
  return n;
}

/** Opens a URL in the desktop's browser (best effort). */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    spawn(cmd, args, { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
  } catch {
    /* no browser: the URL is printed anyway */
  }
}

/** `persona view <avatar-dir> [--port 5173] [--host 127.0.0.1] [--open] [--export-site <dir>]` */
export function registerView(program: Command): void {
  program
    .command('view')
    .description('view the avatar in the browser, animated by the builtin motions or a dropped BVH/JSON file; or export a static site')
    .argument('<avatar-dir>', 'avatar folder (avatar.json + avatar.bin) or a subject folder')
    .option('--port <n>', 'port to serve on (0 picks a free one)', parsePort, DEFAULT_VIEWER_PORT)
    .option('--host <addr>', 'address to listen on (loopback by default; 0.0.0.0 exposes the avatar to your network)', DEFAULT_VIEWER_HOST)
    .option('--open', 'open the page in the default browser')
    .option('--export-site <dir>', 'write a self-contained static site for hosting anywhere instead of serving')
    .action(async (dir: string, opts: { port: number; host: string; open?: boolean; exportSite?: string }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (opts.exportSite) {
        const r = await exportViewerSite(dir, opts.exportSite);
        progress.info(`view: site written to ${opts.exportSite} (${r.gaussians.toLocaleString('en')} Gaussians, motions: ${r.motions.join(', ') || 'none'}); serve the folder with any static web server`);
        for (const s of r.skipped) progress.info(`view: motion left out: ${s}`);
        return;
      }
      const avatarDir = avatarFolder(dir);
      const bundle = await loadAvatar(avatarDir);
      const { files, index, skipped } = builtinMotionFiles(bundle.header);
      for (const s of skipped) progress.info(`view: motion left out: ${s}`);
      const server = await startViewerServer({ avatarDir, memoryFiles: new Map(files), port: opts.port, host: opts.host });
      progress.info(`view: ${bundle.header.gaussianCount.toLocaleString('en')} Gaussians, ${index.length} motions — open ${server.url} (Ctrl-C to stop)`);
      if (cmd.optsWithGlobals<{ quiet?: boolean }>().quiet) process.stdout.write(`${server.url}\n`); // the one thing --quiet must still say
      if (opts.open) openBrowser(server.url);
      await new Promise<void>((resolve) => {
        const stop = (): void => { server.close().then(resolve, resolve); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
