/**
 * Who may write a subject folder: the folder must be absent, empty or a Persona subject (it has our
 * manifest), so that a user's own files are never written over; and one command at a time holds its
 * lock (src/core/lock.ts). Read-only commands (render, animate, export, view) take no lock.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../core/atomic.js';
import { fsError, PersonaError } from '../core/errors.js';
import { acquireFolderLock, LOCK_FILE, type FolderLock } from '../core/lock.js';
import { SUBJECT_FILES } from './files.js';
import { Subject } from './manifest.js';

/** How many of a refused folder's entries the message lists. */
const LISTED_ENTRIES = 5;

/**
 * Checks that `dir` may be used as a subject folder: absent, empty (a lock file aside), or holding a
 * Persona manifest. Anything else is refused with a message that lists what is there. With `create`,
 * an absent folder is made.
 */
export async function checkSubjectFolder(dir: string, options: { create?: boolean } = {}): Promise<void> {
  const st = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw fsError(err, dir, 'use the subject folder');
  });
  if (!st) {
    if (options.create) await ensureDir(dir);
    return;
  }
  if (!st.isDirectory())
    throw new PersonaError(`${dir} is a file, not a subject folder.`, { hint: 'Give --out a new or empty folder (or a subject folder made by Persona).' });
  const manifest = join(dir, SUBJECT_FILES.manifest);
  if (existsSync(manifest)) {
    let format: unknown;
    try {
      format = (JSON.parse(await readFile(manifest, 'utf8')) as { format?: unknown })?.format;
    } catch {
      format = undefined;
    }
    if (format === 'persona-subject') return;
    throw new PersonaError(`${dir} has a manifest.json that is not a Persona subject manifest; refusing to write into it.`, {
      hint: 'Give --out a new or empty folder.',
    });
  }
  const entries = (await readdir(dir)).filter((n) => n !== LOCK_FILE).sort();
  if (entries.length === 0) return;
  const shown = entries.slice(0, LISTED_ENTRIES).join(', ') + (entries.length > LISTED_ENTRIES ? `, … (${entries.length} entries)` : '');
  throw new PersonaError(`${dir} is not empty and is not a Persona subject folder (it holds: ${shown}); refusing to write over your files.`, {
    hint: 'Give --out a new or empty folder, or a subject folder made by Persona (it has manifest.json).',
  });
}

/**
 * Takes the writer's lock of subject folder `dir` for `command` after {@link checkSubjectFolder}
 * (with `create`, an absent folder is made first). Release it when done (`withSubjectWriter` does).
 */
export async function lockSubject(dir: string, command: string, options: { create?: boolean } = {}): Promise<FolderLock | null> {
  await checkSubjectFolder(dir, options);
  if (!existsSync(dir)) return null; // nothing to protect: the command will fail on its missing inputs
  const lock = acquireFolderLock(dir, command);
  try {
    // Mark the folder as ours at once, so that an interruption before the first stage is recorded does
    // not leave a folder that the next run would refuse as "not a Persona subject".
    const subject = new Subject(dir);
    if (!existsSync(subject.path(SUBJECT_FILES.manifest))) await subject.updateManifest(() => undefined);
  } catch (err) {
    lock.release();
    throw err;
  }
  return lock;
}

/**
 * Runs `work` as the one writer of subject folder `dir`; the lock is released however it ends. A folder
 * made here for `work` is removed again when `work` fails before recording any stage (bad input leaves
 * nothing behind).
 */
export async function withSubjectWriter<T>(dir: string, command: string, work: () => Promise<T>, options: { create?: boolean } = {}): Promise<T> {
  const existed = existsSync(dir);
  const lock = await lockSubject(dir, command, options);
  try {
    return await work();
  } catch (err) {
    if (!existed) await removeIfUntouched(dir);
    throw err;
  } finally {
    lock?.release();
  }
}

/** Removes `dir` if it holds nothing but an empty manifest (and the lock). */
async function removeIfUntouched(dir: string): Promise<void> {
  try {
    const entries = (await readdir(dir)).filter((n) => n !== LOCK_FILE);
    if (entries.length > 1 || (entries.length === 1 && entries[0] !== SUBJECT_FILES.manifest)) return;
    if (entries.length === 1 && Object.keys((await new Subject(dir).readManifest()).stages).length > 0) return;
    await rm(dir, { recursive: true, force: true });
  } catch {
    /* best effort: the original error matters more */
  }
}
