/**
 * Turns the pipeline's progress lines (src/core/progress.ts JSON mode: info, warning, start, progress, done)
 * into the job record's stage list, overall fraction and ETA. `create` announces each stage with an info line
 * "[k/8] name…" and a skipped one with "name: up to date, skipped".
 */
import { PIPELINE_STAGES, STAGE_WEIGHTS, type PipelineStage } from './config.js';
import type { JobRecord, StageStatus } from './types.js';

/** One line of the pipeline's JSON progress. */
export interface ProgressLine {
  type: 'info' | 'warning' | 'start' | 'progress' | 'done';
  message?: string;
  task?: string;
  total?: number;
  done?: number;
  etaSeconds?: number | null;
  seconds?: number;
}

/** The stage list of a job that has not started. */
export function freshStages(): StageStatus[] {
  return PIPELINE_STAGES.map((name) => ({ name, state: 'pending' }));
}

const STAGE_START = /^\[(\d+)\/\d+\] ([a-z]+)…$/;
const STAGE_SKIPPED = /^([a-z]+): up to date, skipped$/;

/** Applies one progress line to the record (in place); returns true when something visible changed. */
export function applyProgress(job: JobRecord, line: ProgressLine): boolean {
  const now = Date.now();
  if (line.type === 'warning' && line.message) {
    if (!job.warnings.includes(line.message)) job.warnings.push(line.message);
    return true;
  }
  const stage = (name: string): StageStatus | undefined => job.stages.find((s) => s.name === name);
  if (line.type === 'info' && line.message) {
    const start = STAGE_START.exec(line.message);
    if (start) {
      const name = start[2]!;
      // Every stage before this one has finished.
      for (const s of job.stages) {
        if (s.name === name) break;
        if (s.state === 'running' || s.state === 'pending') finish(s);
      }
      const s = stage(name);
      if (s) Object.assign(s, { state: 'running', done: undefined, total: undefined, task: undefined, etaSeconds: undefined, startedMs: now });
      job.stage = name;
      job.etaSeconds = null;
      updateOverall(job);
      return true;
    }
    const skipped = STAGE_SKIPPED.exec(line.message);
    if (skipped) {
      const s = stage(skipped[1]!);
      if (s) s.state = 'skipped';
      updateOverall(job);
      return true;
    }
    return false;
  }
  const current = job.stage ? stage(job.stage) : undefined;
  if (!current) return false;
  if (line.type === 'start') {
    Object.assign(current, { task: line.task, done: 0, total: line.total, etaSeconds: undefined });
  } else if (line.type === 'progress') {
    Object.assign(current, { task: line.task, done: line.done, total: line.total, etaSeconds: finiteOrUndefined(line.etaSeconds) });
  } else if (line.type === 'done') {
    if (current.total !== undefined) current.done = current.total;
    current.etaSeconds = 0;
  } else return false;
  job.etaSeconds = current.etaSeconds ?? null;
  updateOverall(job);
  return true;
}

/** Marks every stage finished (the pipeline returned). */
export function finishAll(job: JobRecord): void {
  for (const s of job.stages) if (s.state === 'running' || s.state === 'pending') finish(s);
  job.progress = 1;
  job.etaSeconds = 0;
}

/** Stages left 'running' by a dead or cancelled run go back to pending (the next run redoes or skips them). */
export function resetRunning(job: JobRecord): void {
  for (const s of job.stages) if (s.state === 'running') Object.assign(s, { state: 'pending', done: undefined, total: undefined, task: undefined, etaSeconds: undefined });
}

function finish(s: StageStatus): void {
  const started = s.startedMs;
  if (started !== undefined) s.seconds = Math.round((Date.now() - started) / 100) / 10;
  s.state = 'done';
  s.etaSeconds = 0;
  if (s.total !== undefined) s.done = s.total;
}

function updateOverall(job: JobRecord): void {
  let p = 0;
  for (const s of job.stages) {
    const w = STAGE_WEIGHTS[s.name as PipelineStage] ?? 0;
    if (s.state === 'done' || s.state === 'skipped') p += w;
    else if (s.state === 'running' && s.total) p += w * Math.min(1, (s.done ?? 0) / s.total);
  }
  job.progress = Math.min(0.999, Math.round(p * 1000) / 1000);
}

function finiteOrUndefined(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined;
}
