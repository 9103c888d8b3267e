/**
 * Settings of `persona serve` / `persona worker`, each with its reason.
 */
export const SERVE_CONFIG = {
  /** Default port and bind address (the viewer's; loopback only unless --host says otherwise). */
  port: 5173,
  host: '127.0.0.1',
  /** Largest accepted upload. A 24 MP JPEG straight from a phone is 5–12 MB; ingest downsizes to 2048 px anyway. */
  maxUploadBytes: 25 * 1024 * 1024,
  /** Largest non-photo request body (JSON options). */
  maxJsonBytes: 64 * 1024,
  /** Job ids: 128 random bits, hex (not guessable). */
  idBytes: 16,
  /** Job record writes while a stage reports progress: at most one per this many ms (the SSE stream gets every event). */
  saveEveryMs: 500,
  /** SSE comment line every this many ms so that proxies keep the stream open. */
  heartbeatMs: 15_000,
  /** BullMQ queue name. */
  queueName: 'persona-avatars',
  /**
   * BullMQ lock: a worker renews its job's lock every lockDuration/2; a job whose worker died is found by the
   * stalled check (every stalledInterval) once its lock has expired, and moved back to waiting for another worker.
   * 30 s is BullMQ's default; tests shorten both.
   */
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  /** A job whose worker died this many times fails (each death resumes from the subject folder). */
  maxStalledCount: 2,
} as const;

/** Stages of `create` in order (src/pipeline/create.ts prints "[k/8] name…" as each starts). */
export const PIPELINE_STAGES = ['ingest', 'perceive', 'fit', 'shape', 'texture', 'generate', 'train', 'preview'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/**
 * Share of a job's time in each stage, for the overall bar: measured at `fast` quality on the sample photo
 * (ingest+perceive ≈ 8 %, fit 6 %, shape 2 %, texture 2 %, generate 7 %, train 70 %, preview 5 %; shape from the fit's share, measured with the clothed proxy: 7–13 s). Only the bar's
 * shape depends on it; per-stage bars and ETAs come from the stages' own progress.
 */
export const STAGE_WEIGHTS: Record<PipelineStage, number> = { ingest: 0.01, perceive: 0.07, fit: 0.06, shape: 0.02, texture: 0.02, generate: 0.07, train: 0.7, preview: 0.05 };
