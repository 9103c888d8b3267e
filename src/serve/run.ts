/**
 * Runs one job to its end in a child process and keeps its record up to date: the same code for the embedded
 * queue and for `persona worker`. The record is saved at most every SERVE_CONFIG.saveEveryMs while stages
 * report progress; every update is also passed to `onUpdate` (SSE, BullMQ progress).
 */
import { SERVE_CONFIG } from './config.js';
import { WorkChild, WorkError } from './child.js';
import { applyProgress, finishAll, resetRunning } from './progress.js';
import type { JobStore } from './store.js';
import type { JobRecord } from './types.js';
import { photoPath } from './upload.js';

/** How a run ended. 'stopped': the process is shutting down; the record stays 'running' and a restart resumes it. */
export type RunOutcome = 'done' | 'failed' | 'cancelled' | 'stopped' | 'missing';

export interface RunControl {
  /** Aborted with reason 'cancel' (the user) or 'shutdown' (this process is stopping). */
  signal: AbortSignal;
  worker: string;
  onUpdate(job: JobRecord): void;
}

export async function runJob(store: JobStore, id: string, control: RunControl): Promise<RunOutcome> {
  const job = await store.get(id);
  if (!job) return 'missing'; // deleted meanwhile
  const paths = store.paths(id);
  resetRunning(job);
  Object.assign(job, { state: 'running', worker: control.worker, attempts: job.attempts + 1, startedAt: new Date().toISOString(), error: undefined, finishedAt: undefined });
  const save = async (): Promise<void> => {
    try {
      await store.save(job);
    } catch {
      /* the job was deleted while running: nothing to record */
    }
  };
  await save();
  control.onUpdate(job);
  let lastSave = Date.now();
  let saving: Promise<void> = Promise.resolve();
  const child = new WorkChild();
  const abort = (): void => void child.kill();
  if (control.signal.aborted) abort();
  control.signal.addEventListener('abort', abort);
  try {
    await child.request({ kind: 'create', photo: photoPath(paths.dir, job), subject: paths.subject, options: job.options }, (line) => {
      if (!applyProgress(job, line)) return;
      control.onUpdate(job);
      if (Date.now() - lastSave >= SERVE_CONFIG.saveEveryMs) {
        lastSave = Date.now();
        saving = saving.then(save);
      }
    });
    finishAll(job);
    Object.assign(job, { state: 'done', finishedAt: new Date().toISOString() });
  } catch (err) {
    const e = err instanceof WorkError ? err : new WorkError({ message: (err as Error).message }, true);
    resetRunning(job);
    if (e.cancelled && control.signal.reason === 'shutdown') {
      await saving;
      return 'stopped';
    }
    if (e.cancelled) Object.assign(job, { state: 'cancelled', finishedAt: new Date().toISOString() });
    else Object.assign(job, { state: 'failed', error: e.error, finishedAt: new Date().toISOString() });
  } finally {
    control.signal.removeEventListener('abort', abort);
    await child.kill();
  }
  await saving;
  await save();
  control.onUpdate(job);
  return job.state as RunOutcome;
}
