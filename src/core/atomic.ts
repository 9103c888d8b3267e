import { rmSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { onExit, throwIfInterrupted } from './cancel.js';
import { fsError, PersonaError } from './errors.js';

export { fsError };
import { isPidAlive } from './lock.js';

/** A temp name in the same folder as `path`, so that rename() is atomic (same filesystem). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Registers a temporary file or folder for removal however the process ends (including a forced exit
 * after Ctrl-C); call the returned function once the temp is renamed into place or removed.
 */
export function trackTemp(tmp: string): () => void {
  return onExit(() => rmSync(tmp, { recursive: true, force: true }));
}

/** Pseudo file systems where creating folders fails (or, with Node's recursive mkdir, never ends). */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * `mkdir -p` that always ends with a folder or a PersonaError. Node's recursive mkdir loops forever
 * under /proc (each mkdir answers ENOENT while the parent exists) and answers EEXIST under a dangling
 * symbolic link; here the existing ancestor is found first and each missing folder is made once.
 */
export async function ensureDir(dir: string): Promise<void> {
  const abs = resolve(dir);
  for (const root of VIRTUAL_ROOTS)
    if (abs === root || abs.startsWith(root + sep))
      throw new PersonaError(`Cannot write to ${dir}: ${root} is a virtual file system of the kernel, not a place for files.`, {
        hint: 'Choose an output path on a real disk (e.g. under your home folder).',
      });
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    try {
      const st = await stat(p);
      if (!st.isDirectory())
        throw new PersonaError(`Cannot create ${dir}: ${p} is a file, not a folder.`, { hint: 'Choose a path whose parents are folders.' });
      break;
    } catch (err) {
      if (err instanceof PersonaError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fsError(err, p, 'use the folder');
      const link = await lstat(p).catch(() => null);
      if (link?.isSymbolicLink())
        throw new PersonaError(`Cannot create ${dir}: ${p} is a symbolic link to a missing target.`, {
          hint: 'Fix or remove the dangling link, or write elsewhere.',
        });
      missing.push(p);
      const parent = dirname(p);
      if (parent === p) throw fsError(err, p, 'find');
      p = parent;
    }
  }
  for (const m of missing.reverse()) {
    try {
      await mkdir(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(m).catch(() => null))?.isDirectory()) continue;
      throw fsError(err, m, 'create the folder');
    }
  }
}

/**
 * Removes temp files/folders beside `path` (named by {@link tempPathFor}) left by processes that died
 * (SIGKILL, power loss): their pid is no longer alive. Temps of live processes are left alone.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isPidAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/** Options of the atomic writers. */
export interface AtomicWriteOptions {
  /**
   * Write even after Ctrl-C (a training checkpoint saved while stopping). By default an interrupted
   * process puts nothing new in place: the temp is removed and InterruptedError thrown.
   */
  evenIfInterrupted?: boolean;
}

/**
 * Writes `data` to `path` atomically: the bytes go to a temp file beside it, then a rename
 * puts it in place. Readers never see a half-written file; a crash leaves only a `.tmp`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await ensureDir(dirname(path));
  const tmp = tempPathFor(path);
  const untrack = trackTemp(tmp);
  try {
    await writeFile(tmp, data);
    if (!options.evenIfInterrupted) throwIfInterrupted(undefined, `writing ${path}`);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw fsError(err, path, 'write');
  } finally {
    untrack();
  }
}

/** Writes JSON (2-space indented, trailing newline) atomically. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Builds a whole folder atomically: `build` fills a temp folder beside `dir`, which then
 * replaces `dir`. If `build` throws, the temp folder is removed and `dir` is untouched.
 */
export async function writeDirAtomic(dir: string, build: (tmpDir: string) => Promise<void>): Promise<void> {
  await ensureDir(dirname(dir));
  await removeStaleTemps(dir);
  const tmp = tempPathFor(dir);
  const untrack = trackTemp(tmp);
  try {
    try {
      await mkdir(tmp);
    } catch (err) {
      throw fsError(err, dirname(dir), 'write into');
    }
    await build(tmp);
    throwIfInterrupted(undefined, `writing ${dir}`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    untrack();
  }
}
