/** The job record that the API returns, the page shows and `job.json` stores. */
import type { PresetName } from '../subject/index.js';

/** Photo types accepted (those `ingest` reads). */
export type PhotoType = 'jpeg' | 'png' | 'webp';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

/** What a user chooses for a job. */
export interface JobOptions {
  quality: PresetName;
  /** Motions of the training video (builtin names). */
  motions: string[];
  seed: number;
  /** Which person when several are in the photo (0 = largest); absent: a photo with several people is refused. */
  person?: number;
}

export interface StageStatus {
  name: string;
  state: 'pending' | 'running' | 'done' | 'skipped';
  /** Units of the stage's current task (iterations, frames…), when it reports them. */
  done?: number;
  total?: number;
  task?: string;
  etaSeconds?: number;
  seconds?: number;
  /** When the stage started (ms since epoch; for its duration). */
  startedMs?: number;
}

export interface JobError { message: string; hint?: string }

export interface JobRecord {
  id: string;
  state: JobState;
  /** The stage running (or last run). */
  stage: string | null;
  /** Overall fraction done, 0–1. */
  progress: number;
  /** Seconds left in the current stage, when it reports an estimate. */
  etaSeconds: number | null;
  stages: StageStatus[];
  options: JobOptions;
  /** The uploaded file's name (display only; never used as a path). */
  photoName: string;
  /** The upload's type, sniffed from its first bytes; the photo is stored as `photo.<type>`. */
  photoType: PhotoType;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: JobError;
  warnings: string[];
  /** How many times the job was started (retries, restarts and worker deaths included). */
  attempts: number;
  /** Who ran it last: 'embedded' or a worker's name. */
  worker?: string;
  /** Files of the subject folder that the page can show (see SUBJECT_VIEWS). */
  files: string[];
}
