/**
 * The perceive stage: library entry points and the cached subject-folder stage that
 * writes `perception/keypoints.json`, `perception/mask.png` and `perception/overlay.png`.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic, writeJsonAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { type FloatImage, readImage, writePng } from '../core/image.js';
import { Progress } from '../core/progress.js';
import { ingest } from '../ingest/ingest.js';
import { Subject } from '../subject/index.js';
import { drawOverlay } from './overlay.js';
import { type PerceiveCallOptions, Perceiver } from './perceiver.js';
import type { Perception } from './types.js';

/** Bump when the stage's outputs would change for the same inputs. */
export const PERCEIVE_STAGE_VERSION = 4; // 3: whole feet (heel and toe seen) are not cut by the matte at the border (issue #19); 4: a face the detector misses is looked for where the body's keypoints put it
/** Output files of the stage (relative to the subject folder). */
export const PERCEPTION_FILES = {
  keypoints: 'perception/keypoints.json',
  mask: 'perception/mask.png',
  overlay: 'perception/overlay.png',
} as const;

/** Options of `perceive` (the library function). */
export interface PerceiveOptions extends PerceiveCallOptions {
  /** Use these loaded models (default: the process-wide shared Perceiver). */
  perceiver?: Perceiver;
}

let shared: Promise<Perceiver> | undefined;

/**
 * The process-wide Perceiver used when none is passed: models load once and stay loaded (closing one
 * Perceiver and creating another in the same process breaks TF.js's wasm engine state).
 */
export function sharedPerceiver(): Promise<Perceiver> {
  shared ??= Perceiver.create().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** Perceives one photo (float image or image path) and returns the result with its matte. */
export async function perceive(image: FloatImage | string, options: PerceiveOptions = {}): Promise<Perception> {
  const img = typeof image === 'string' ? await readImage(image, 3) : image;
  const perceiver = options.perceiver ?? (await sharedPerceiver());
  return perceiver.perceive(img, options);
}

/** Writes keypoints.json, mask.png and overlay.png into `folder` (atomically, as one folder). */
export async function writePerception(folder: string, p: Perception, photo: FloatImage): Promise<void> {
  await writeDirAtomic(folder, async (tmp) => {
    const { mask, ...json } = p;
    await writeJsonAtomic(join(tmp, 'keypoints.json'), json);
    if (mask) await writePng(join(tmp, 'mask.png'), mask);
    await writePng(join(tmp, 'overlay.png'), drawOverlay(photo, p));
  });
}

/** Reads a subject's perception (keypoints.json, and mask.png as a 1-channel image). */
export async function readPerception(subjectDir: string): Promise<Perception> {
  const subject = new Subject(subjectDir);
  const file = subject.path(PERCEPTION_FILES.keypoints);
  if (!existsSync(file))
    throw new PersonaError(`${file} is missing.`, { hint: `Run \`persona perceive ${subjectDir}\` first.` });
  let p: Perception;
  try {
    p = JSON.parse(await readFile(file, 'utf8')) as Perception;
  } catch (err) {
    throw new PersonaError(`${file} is not valid JSON (${(err as Error).message}).`, { hint: 'Run `persona perceive --force` again.' });
  }
  if (p.format !== 'persona-perception') throw new PersonaError(`${file} is not a Persona perception file.`);
  const maskFile = subject.path(PERCEPTION_FILES.mask);
  if (existsSync(maskFile)) p.mask = await readImage(maskFile, 1);
  return p;
}

/** Options of the subject stage. */
export interface PerceiveStageOptions extends PerceiveOptions {
  force?: boolean;
  progress?: Progress;
}

/** What the stage returns. */
export interface PerceiveStageResult {
  ran: boolean;
  perception: Perception;
}

/**
 * The cached stage: reads `input/image.png` of the subject folder, perceives it and
 * writes `perception/*`. Skipped when the photo and options are unchanged.
 */
export async function perceiveSubject(subjectDir: string, options: PerceiveStageOptions = {}): Promise<PerceiveStageResult> {
  const subject = new Subject(subjectDir);
  const progress = options.progress ?? Progress.silent();
  const input = 'input/image.png';
  if (!existsSync(subject.path(input)))
    throw new PersonaError(`${subject.path(input)} is missing: this folder has no ingested photo.`, {
      hint: 'Run `persona ingest <photo> --out <dir>` first, or pass the photo itself to `persona perceive`.',
    });
  let result: Perception | undefined;
  const outcome = await subject.runStage(
    'perceive',
    {
      version: PERCEIVE_STAGE_VERSION,
      inputs: { image: input },
      options: { person: options.person ?? 0, strict: options.strict ?? false },
      outputs: Object.values(PERCEPTION_FILES),
      force: options.force,
    },
    async () => {
      const photo = await readImage(subject.path(input), 3);
      const p = await perceive(photo, options);
      for (const w of p.person.warnings) progress.warn(w);
      await writePerception(subject.path('perception'), p, photo);
      result = p;
      return {
        warnings: p.person.warnings,
        peopleFound: p.person.peopleFound,
        fullBodyVisible: p.person.fullBodyVisible,
        facing: p.person.facing,
        timings: p.timings,
      };
    },
  );
  return { ran: outcome.ran, perception: result ?? (await readPerception(subjectDir)) };
}

/** True when `path` is a subject folder (a folder with an ingested photo). */
export function isSubjectDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * `persona perceive <image|subject-dir>`: a subject folder is perceived in place (or in
 * `out` when given); a photo is first ingested into `out`.
 */
export async function perceiveTarget(
  target: string,
  out: string | undefined,
  options: PerceiveStageOptions = {},
): Promise<PerceiveStageResult & { subjectDir: string }> {
  if (isSubjectDir(target)) {
    if (out && out !== target) {
      const subjectImage = join(target, 'input', 'image.png');
      if (!existsSync(subjectImage))
        throw new PersonaError(`${target} is a folder without input/image.png.`, { hint: 'Give a photo or a subject folder made by `persona ingest`.' });
      await ingest(subjectImage, out);
      return { ...(await perceiveSubject(out, options)), subjectDir: out };
    }
    return { ...(await perceiveSubject(target, options)), subjectDir: target };
  }
  if (!out) throw new PersonaError('--out <dir> is needed when perceiving a photo.', { exitCode: 2, hint: 'e.g. `persona perceive photo.jpg --out subject/`' });
  await ingest(target, out);
  return { ...(await perceiveSubject(out, options)), subjectDir: out };
}
