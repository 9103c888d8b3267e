/**
 * One run's context, handed to every stage: the subject folder, the body model (resolved once, on first
 * use, so a skipped stage never loads it and one `persona create` loads an SMPL-X file at most once), whether
 * to redo cached stages, the quality preset (src/subject/quality.ts) and where progress goes. `persona create` (src/pipeline/create.ts) builds one per
 * run; a single-stage command (or library call) without one gets its own from its options.
 */
import type { Progress } from '../core/progress.js';
import { resolveBody, type ArrayBodyModel, type BodySpec } from '../body/index.js';
import { qualityPreset, DEFAULT_PRESET, type PresetName, type QualityPreset } from './quality.js';

/** What the stages of one run share. */
export interface StageContext {
  readonly subjectDir: string;
  /** The body choice as given ("default" or "smplx:<path>"), recorded in each stage's manifest options. */
  readonly bodySpec: BodySpec;
  /** The resolved body model: loaded on the first call, the same object after. */
  body(): ArrayBodyModel;
  /** Redo stages even when their inputs are unchanged. */
  readonly force: boolean;
  /** The run's quality preset; a stage takes its sizes from `quality()` unless its options override them. */
  readonly preset: PresetName;
  /** The preset's row of the quality table. */
  quality(): Readonly<QualityPreset>;
  readonly progress?: Progress;
}

/** What a stage's options may carry: a run's context, or the fields to build one from. */
export interface StageContextOptions {
  /** The run's context; when given it supplies the body, `force`, the preset and `progress` (the fields below are ignored). */
  context?: StageContext;
  body?: BodySpec;
  force?: boolean;
  /** Quality preset (default `DEFAULT_PRESET`). */
  quality?: PresetName;
  progress?: Progress;
}

/** Builds a run's context (the body is resolved lazily, once). */
export function createStageContext(subjectDir: string, options: { body?: BodySpec; force?: boolean; quality?: PresetName; progress?: Progress } = {}): StageContext {
  const bodySpec = options.body ?? 'default';
  const preset = options.quality ?? DEFAULT_PRESET;
  const row = qualityPreset(preset); // unknown names fail here, before any work
  let body: ArrayBodyModel | undefined;
  return {
    subjectDir,
    bodySpec,
    body: () => (body ??= resolveBody(bodySpec)),
    force: options.force ?? false,
    preset,
    quality: () => row,
    progress: options.progress,
  };
}

/** A stage's context: the one it was handed, or one built from its options. */
export function stageContext(subjectDir: string, options: StageContextOptions): StageContext {
  return options.context ?? createStageContext(subjectDir, options);
}
