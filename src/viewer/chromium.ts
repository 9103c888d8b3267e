/**
 * Which headless Chromium drives the viewer's end-to-end test and benchmark (through playwright-core).
 * Order: the `PERSONA_CHROMIUM` environment variable (a path; a missing one is an error), then `chromium`
 * (or `chromium-browser`) on PATH, then the Chromium that `npm install` brings: `@sparticuz/chromium`, a
 * devDependency that ships a brotli-compressed headless Chromium, SwiftShader (software WebGL), a font and
 * the NSS libraries inside the npm package (nothing is downloaded). It is unpacked once into
 * `node_modules/.cache/persona-chromium/<version>/` (atomically: a temporary folder renamed into place).
 *
 * Only tests and benchmarks use this; the product itself never starts a browser.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, normalize, sep } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { PersonaError } from '../core/errors.js';
import { packageRoot } from '../core/version.js';

/** Environment variable that names the Chromium binary to use. */
export const CHROMIUM_ENV = 'PERSONA_CHROMIUM';

/** What to pass to playwright's `chromium.launch`. */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  /** Full environment for the browser process (only set when it needs extra variables). */
  env?: Record<string, string>;
  /** Where the binary came from. */
  source: 'env' | 'path' | 'npm';
}

/** Flags for every source: headless in containers (root: no sandbox), no network chatter. */
const COMMON_ARGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** A distribution's Chromium: no GPU, WebGL falls back to its built-in SwiftShader. */
const SYSTEM_GL_ARGS = ['--disable-gpu'];
/** The npm Chromium (a headless shell): WebGL through ANGLE on the SwiftShader libraries unpacked beside it. */
const NPM_GL_ARGS = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--in-process-gpu'];

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* next */ }
  }
  return undefined;
}

/** Resolves the Chromium to launch, unpacking the npm one on first use. */
export async function findChromium(): Promise<ChromiumLaunch> {
  const fromEnv = process.env[CHROMIUM_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new PersonaError(`${CHROMIUM_ENV}=${fromEnv} does not exist.`, { hint: `Point ${CHROMIUM_ENV} at a Chromium binary, or unset it to use the one on PATH or the one npm installed.` });
    return { executablePath: fromEnv, args: [...COMMON_ARGS, ...SYSTEM_GL_ARGS], source: 'env' };
  }
  const system = onPath('chromium') ?? onPath('chromium-browser');
  if (system) return { executablePath: system, args: [...COMMON_ARGS, ...SYSTEM_GL_ARGS], source: 'path' };
  return npmChromium();
}

/** The bin/ folder and version of the installed @sparticuz/chromium. */
function npmPackage(): { bin: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    throw new PersonaError('No Chromium: PERSONA_CHROMIUM is unset, none is on PATH, and @sparticuz/chromium is not installed.', {
      hint: 'Run `npm install` in the Persona folder (a devDependency brings a headless Chromium), install chromium, or set PERSONA_CHROMIUM.',
    });
  }
  const root = join(dirname(entry), '..', '..');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return { bin: join(root, 'bin'), version };
}

/** Regular files and folders of an uncompressed ustar archive (all these archives hold). */
function untar(tar: Uint8Array): Array<{ name: string; data: Uint8Array | null }> {
  const out: Array<{ name: string; data: Uint8Array | null }> = [];
  const text = (o: number, n: number): string => Buffer.from(tar.subarray(o, o + n)).toString('utf8').replace(/\0[\s\S]*$/, '');
  for (let o = 0; o + 512 <= tar.length;) {
    const name = text(o + 345, 155) ? `${text(o + 345, 155)}/${text(o, 100)}` : text(o, 100);
    if (!name) break;
    const size = parseInt(text(o + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(tar[o + 156]!);
    if (normalize(name).startsWith('..') || name.startsWith('/')) throw new PersonaError(`Unsafe path in the Chromium archive: ${name}`);
    if (type === '0' || type === '\0') out.push({ name, data: tar.subarray(o + 512, o + 512 + size) });
    else if (type === '5') out.push({ name, data: null });
    else throw new PersonaError(`Unexpected entry type "${type}" in the Chromium archive (${name}).`);
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Unpacks chromium.br, swiftshader, fonts and the NSS libraries into `dir` (via a temporary folder renamed into place). */
async function unpack(bin: string, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), { mode: 0o755 });
    // SwiftShader's libGLESv2/libEGL must sit beside the binary; fonts and NSS libraries go in sub-folders.
    for (const [archive, sub] of [['swiftshader.tar.br', ''], ['fonts.tar.br', 'fonts'], ['al2023.tar.br', '']] as const) {
      for (const e of untar(brotliDecompressSync(readFileSync(join(bin, archive))))) {
        const target = join(tmp, sub, e.name);
        if (e.data === null) await mkdir(target, { recursive: true });
        else {
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, e.data, { mode: 0o755 });
        }
      }
    }
    const fontDir = join(dir, 'fonts', 'fonts');
    await writeFile(join(tmp, 'fonts.conf'), `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${fontDir}</dir>\n  <cachedir>${join(dir, 'fontcache')}</cachedir>\n</fontconfig>\n`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  // Another process (tests run in parallel) may have finished first: its complete folder stays, ours goes.
  try {
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw err;
  }
}

/** Where unpacked browsers live: inside node_modules when writable, else the temp folder. */
async function cacheRoot(): Promise<string> {
  const preferred = join(packageRoot(), 'node_modules', '.cache', 'persona-chromium');
  try {
    await mkdir(preferred, { recursive: true });
    accessSync(preferred, constants.W_OK);
    return preferred;
  } catch {
    const fallback = join(tmpdir(), `persona-chromium-${process.getuid?.() ?? 'user'}`);
    await mkdir(fallback, { recursive: true });
    return fallback;
  }
}

let npmLaunch: Promise<ChromiumLaunch> | undefined;

async function npmChromium(): Promise<ChromiumLaunch> {
  npmLaunch ??= (async (): Promise<ChromiumLaunch> => {
    const { bin, version } = npmPackage();
    const dir = join(await cacheRoot(), version);
    const exe = join(dir, 'chromium');
    if (!existsSync(exe)) await unpack(bin, dir);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), FONTCONFIG_FILE: join(dir, 'fonts.conf') };
    // Use the system's NSS when it has one; otherwise the copies that came in the package (lib/).
    let probe = spawnSync(exe, ['--version'], { encoding: 'utf8', env });
    if (probe.status !== 0 && /shared libraries/.test(probe.stderr ?? '')) {
      env.LD_LIBRARY_PATH = [join(dir, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter);
      probe = spawnSync(exe, ['--version'], { encoding: 'utf8', env });
    }
    if (probe.status !== 0)
      throw new PersonaError(`The npm-installed Chromium (${exe}) does not start: ${(probe.stderr || probe.error?.message || '').trim().split('\n').slice(-2).join(' ')}`, {
        hint: `Install chromium on this machine, or set ${CHROMIUM_ENV}. Removing ${dir}${sep} makes it unpack again.`,
      });
    return { executablePath: exe, args: [...COMMON_ARGS, ...NPM_GL_ARGS], env, source: 'npm' };
  })().catch((err: unknown) => {
    npmLaunch = undefined;
    throw err;
  });
  return npmLaunch!;
}
