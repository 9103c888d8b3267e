/**
 * One writer per folder: an exclusive lock file created atomically (O_CREAT | O_EXCL, `open(…, 'wx')`)
 * holding its owner's pid, host, command and start time. A lock whose pid is dead on this same host is
 * stale (a crash or SIGKILL left it) and is taken over; a live one, or one from another host (a shared
 * network folder), refuses the second writer with a message naming the first. The lock is released on
 * return, on errors and on Ctrl-C (a synchronous exit hook), so only SIGKILL can leave it behind.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { onExit } from './cancel.js';
import { fsError, PersonaError } from './errors.js';

/** Name of the lock file inside a locked folder. */
export const LOCK_FILE = '.persona.lock';

/** What a lock file records about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

/** A held lock. */
export interface FolderLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file (idempotent). */
  release(): void;
}

/** Whether process `pid` is alive on this host (EPERM: alive but not ours). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o?.pid === 'number' && typeof o.host === 'string' ? o : null;
  } catch {
    return null;
  }
}

function describe(o: LockOwner): string {
  return `\`${o.command}\` (pid ${o.pid} on ${o.host}, started ${o.startedAt})`;
}

/**
 * Takes the lock of folder `dir` (which must exist) for `command`, or throws a PersonaError naming the
 * current owner. Synchronous so that two callers in one process cannot interleave.
 */
export function acquireFolderLock(dir: string, command: string): FolderLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST')
        throw fsError(err, dir, 'lock (write into)');
      const held = readOwner(path);
      if (held && held.host === owner.host && !isPidAlive(held.pid)) {
        rmSync(path, { force: true }); // stale: its owner died without releasing it
        continue;
      }
      if (!held)
        throw new PersonaError(`${dir} is locked by another Persona run (the lock file ${path} is unreadable or being written).`, {
          hint: `If no other persona command is running on this folder, delete ${path} and try again.`,
        });
      throw new PersonaError(`${dir} is in use by ${describe(held)}; two commands must not write one subject folder at once.`, {
        hint: held.host === owner.host
          ? 'Wait for it to finish (or stop it), then run this command again.'
          : `It runs on another machine; if it is no longer running, delete ${path}.`,
      });
    }
    try {
      writeSync(fd, JSON.stringify(owner) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      unregister();
      const now = readOwner(path);
      if (now && now.pid === owner.pid && now.startedAt === owner.startedAt) rmSync(path, { force: true });
    };
    const unregister = onExit(release);
    return { path, owner, release };
  }
  throw new PersonaError(`Cannot take the lock ${path}: it keeps reappearing.`, { hint: 'Another Persona run is starting on this folder; try again.' });
}

/** Runs `work` holding the lock of `dir`; the lock is released however `work` ends. */
export async function withFolderLock<T>(dir: string, command: string, work: () => Promise<T>): Promise<T> {
  const lock = acquireFolderLock(dir, command);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
