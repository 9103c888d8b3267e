/**
 * Jobs on disk, under the data folder: `jobs/<id>/job.json` (the record), `jobs/<id>/photo.<ext>` (the upload),
 * `jobs/<id>/subject/` (the pipeline's subject folder) and `jobs/<id>/exports/` (export files made on request).
 * Ids are 128 random bits in hex; every path is built from a checked id and fixed names, never from a request's
 * text. Several processes (a server and `persona worker`s on other machines) may share the folder: records are
 * written atomically, and each job is written by the one process that runs it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../core/atomic.js';
import { SUBJECT_FILES } from '../subject/index.js';
import { SERVE_CONFIG } from './config.js';
import type { JobRecord } from './types.js';

const ID = /^[0-9a-f]{32}$/;

/** True when `id` has the shape of a job id (anything else never reaches the file system). */
export function isJobId(id: string): boolean {
  return ID.test(id);
}

/** A fresh, unguessable job id. */
export function newJobId(): string {
  return randomBytes(SERVE_CONFIG.idBytes).toString('hex');
}

/** Subject-folder files the page shows as they appear (name in the API → path in the subject folder). */
export const SUBJECT_VIEWS: Record<string, string> = {
  'photo.png': SUBJECT_FILES.image,
  'perception.png': SUBJECT_FILES.perceptionOverlay,
  'fit.png': SUBJECT_FILES.fitOverlay,
  'texture.png': SUBJECT_FILES.texture,
  'training.png': SUBJECT_FILES.trainPreview,
  'turntable.png': `${SUBJECT_FILES.previewDir}/turntable.png`,
  'dance.gif': `${SUBJECT_FILES.previewDir}/dance.gif`,
};

/** Where one job's files are. */
export interface JobPaths { dir: string; record: string; subject: string; exports: string; avatar: string }

export class JobStore {
  readonly root: string;
  constructor(readonly dataDir: string) {
    this.root = join(dataDir, 'jobs');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  paths(id: string): JobPaths {
    if (!isJobId(id)) throw new Error(`not a job id: ${JSON.stringify(id)}`);
    const dir = join(this.root, id);
    const subject = join(dir, 'subject');
    return { dir, record: join(dir, 'job.json'), subject, exports: join(dir, 'exports'), avatar: join(subject, SUBJECT_FILES.avatarDir) };
  }

  async save(job: JobRecord): Promise<void> {
    job.updatedAt = new Date().toISOString();
    await writeJsonAtomic(this.paths(job.id).record, { ...job, files: [] });
  }

  /** The record, with `files` filled from what exists now; undefined when there is no such job. */
  async get(id: string): Promise<JobRecord | undefined> {
    if (!isJobId(id)) return undefined;
    const p = this.paths(id);
    let job: JobRecord;
    try {
      job = JSON.parse(await readFile(p.record, 'utf8')) as JobRecord;
    } catch {
      return undefined; // absent, or being created/deleted
    }
    job.files = Object.entries(SUBJECT_VIEWS).filter(([, rel]) => existsSync(join(p.subject, rel))).map(([name]) => name);
    return job;
  }

  /** Every job, newest first. */
  async list(): Promise<JobRecord[]> {
    let names: string[] = [];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const jobs = (await Promise.all(names.filter(isJobId).map((id) => this.get(id)))).filter((j): j is JobRecord => j !== undefined);
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async remove(id: string): Promise<void> {
    await rm(this.paths(id).dir, { recursive: true, force: true });
  }
}
