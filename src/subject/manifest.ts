import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { hashFile, hashJson } from '../core/hash.js';
import { packageVersion } from '../core/version.js';
import { PersonaError } from '../core/errors.js';

/** What the manifest records about one stage's last run. */
export interface StageRecord {
  status: 'done' | 'failed';
  /** Stage implementation version: bump it to invalidate old outputs. */
  stageVersion: number;
  toolVersion: string;
  /** Input name → SHA-256 of the file. */
  inputs: Record<string, string>;
  options: unknown;
  optionsHash: string;
  /** Output paths relative to the subject folder. */
  outputs: string[];
  startedAt: string;
  seconds: number;
  error?: string;
  /** Anything the stage wants to remember (warnings, figures). */
  notes?: Record<string, unknown>;
}

/** `manifest.json` of a subject folder. */
export interface Manifest {
  format: 'persona-subject';
  formatVersion: 1;
  createdAt: string;
  stages: Record<string, StageRecord>;
}

/** How a stage is described to `Subject.runStage`. */
export interface StageSpec {
  /** Stage implementation version (bump when outputs would change for the same inputs). */
  version: number;
  /** Input name → file path (relative to the subject folder, or absolute). */
  inputs: Record<string, string>;
  /** Options that change the outputs (hashed). */
  options?: unknown;
  /** Output paths relative to the subject folder. */
  outputs: string[];
  /** Run even when nothing changed. */
  force?: boolean;
}

/** Result of `runStage`. */
export interface StageOutcome {
  ran: boolean;
  record: StageRecord;
}

/**
 * A subject folder: the files every stage reads and writes, and `manifest.json`, which
 * records each stage's inputs (hashes), options, versions, timings and status, so that a
 * stage whose inputs have not changed is skipped.
 */
export class Subject {
  readonly dir: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Absolute path of a file inside the subject folder. */
  path(rel: string): string {
    return isAbsolute(rel) ? rel : join(this.dir, rel);
  }

  /** Reads the manifest (a fresh one when the folder has none). */
  async readManifest(): Promise<Manifest> {
    const p = this.path('manifest.json');
    if (!existsSync(p)) return { format: 'persona-subject', formatVersion: 1, createdAt: new Date().toISOString(), stages: {} };
    let parsed: Manifest;
    try {
      parsed = JSON.parse(await readFile(p, 'utf8')) as Manifest;
    } catch (err) {
      throw new PersonaError(`${p} is not valid JSON (${(err as Error).message}).`, {
        hint: 'Delete the file to start this subject folder afresh.',
      });
    }
    if (parsed.format !== 'persona-subject' || typeof parsed.stages !== 'object')
      throw new PersonaError(`${p} is not a Persona subject manifest.`, { hint: 'Use an empty folder for --out.' });
    return parsed;
  }

  /** Updates the manifest atomically; updates are serialized within the process. */
  async updateManifest(edit: (m: Manifest) => void): Promise<Manifest> {
    const run = this.chain.then(async () => {
      const m = await this.readManifest();
      edit(m);
      await writeJsonAtomic(this.path('manifest.json'), m);
      return m;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The record of a stage, if it has run. */
  async stage(name: string): Promise<StageRecord | undefined> {
    return (await this.readManifest()).stages[name];
  }

  /** Hashes the stage's inputs (a missing input is an error naming the file). */
  async hashInputs(inputs: Record<string, string>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, rel] of Object.entries(inputs)) {
      const p = this.path(rel);
      if (!existsSync(p))
        throw new PersonaError(`Input "${name}" of this stage is missing: ${p}`, { hint: 'Run the earlier stages first (or `persona create`).' });
      out[name] = await hashFile(p);
    }
    return out;
  }

  /**
   * Runs `work` unless the stage already ran with the same inputs, options and version and
   * its outputs are all present. The record is written only after `work` succeeds (its
   * outputs must be written atomically by `work`); a failure is recorded with its message.
   */
  async runStage(name: string, spec: StageSpec, work: () => Promise<Record<string, unknown> | void>): Promise<StageOutcome> {
    const inputs = await this.hashInputs(spec.inputs);
    const optionsHash = hashJson(spec.options ?? null);
    const prev = (await this.readManifest()).stages[name];
    const upToDate =
      prev !== undefined &&
      prev.status === 'done' &&
      prev.stageVersion === spec.version &&
      prev.optionsHash === optionsHash &&
      hashJson(prev.inputs) === hashJson(inputs) &&
      spec.outputs.every((o) => existsSync(this.path(o)));
    if (upToDate && !spec.force) return { ran: false, record: prev };

    const startedAt = new Date();
    const base = {
      stageVersion: spec.version,
      toolVersion: packageVersion(),
      inputs,
      options: spec.options ?? null,
      optionsHash,
      outputs: spec.outputs,
      startedAt: startedAt.toISOString(),
    };
    try {
      const notes = (await work()) ?? undefined;
      const record: StageRecord = { ...base, status: 'done', seconds: (Date.now() - startedAt.getTime()) / 1000, notes };
      await this.updateManifest((m) => (m.stages[name] = record));
      return { ran: true, record };
    } catch (err) {
      const record: StageRecord = {
        ...base,
        status: 'failed',
        seconds: (Date.now() - startedAt.getTime()) / 1000,
        error: (err as Error).message,
      };
      // Recording the failure must not hide the original error.
      await this.updateManifest((m) => (m.stages[name] = record)).catch(() => undefined);
      throw err;
    }
  }
}
