/**
 * Job work in a child process, so that the HTTP server (or a worker's queue connection) stays responsive
 * while a job uses the CPU for minutes, and so that cancelling is killing a process (every pipeline write is
 * atomic, so a killed run leaves only whole files, and the next run resumes from them).
 *
 * Parent → child: one `ChildRequest` per message. Child → parent: `progress` lines, then one `result` per
 * request. `check` children are long-lived (the perception models load once); `create` and `export`
 * children serve one request and are killed to cancel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProgressLine } from './progress.js';
import type { JobError, JobOptions } from './types.js';

export type ChildRequest =
  | { kind: 'check'; photo: string; subject: string; person?: number }
  | { kind: 'create'; photo: string; subject: string; options: JobOptions }
  | { kind: 'export'; avatar: string; exports: string; format: string; quality: JobOptions['quality']; motion?: string };

export type ChildMessage =
  | { kind: 'progress'; line: ProgressLine }
  | { kind: 'result'; ok: true; value: unknown }
  | { kind: 'result'; ok: false; error: JobError; unexpected?: boolean };

const ENTRY = fileURLToPath(new URL('./childMain.js', import.meta.url));

/** A child process running job work; `request` sends one request and resolves with its result. */
export class WorkChild {
  readonly proc: ChildProcess;
  private pending: { resolve: (v: unknown) => void; reject: (e: WorkError) => void; onProgress?: (l: ProgressLine) => void } | undefined;
  private exited = false;
  private killedOnPurpose = false;

  constructor() {
    // stdout/stderr are inherited: a crash's message lands in the server's log.
    this.proc = fork(ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    this.proc.on('message', (m: ChildMessage) => {
      const p = this.pending;
      if (!p) return;
      if (m.kind === 'progress') p.onProgress?.(m.line);
      else {
        this.pending = undefined;
        if (m.ok) p.resolve(m.value);
        else p.reject(new WorkError(m.error, m.unexpected ?? false));
      }
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      const p = this.pending;
      this.pending = undefined;
      if (p)
        p.reject(this.killedOnPurpose
          ? new WorkError({ message: 'cancelled' }, false, true)
          : new WorkError({ message: `the job's process ended unexpectedly (${signal ?? `exit code ${code}`})`, hint: 'Retry the job; it resumes where it stopped.' }, true));
    });
  }

  request(req: ChildRequest, onProgress?: (line: ProgressLine) => void): Promise<unknown> {
    if (this.exited) return Promise.reject(new WorkError({ message: 'the work process has ended' }, true));
    if (this.pending) return Promise.reject(new WorkError({ message: 'the work process is busy' }, true));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onProgress };
      this.proc.send(req);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Ends the child (SIGKILL: the pipeline's writes are atomic, so nothing half-written remains). */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.killedOnPurpose = true;
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGKILL');
    });
  }
}

/** A failed request: the user-facing error, whether it was unexpected (a crash, a bug), or a cancellation. */
export class WorkError extends Error {
  constructor(readonly error: JobError, readonly unexpected: boolean, readonly cancelled = false) {
    super(error.message);
  }
}
