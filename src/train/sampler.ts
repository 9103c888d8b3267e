/**
 * PERSONA's balanced sampling: each epoch lists the input photo N times, N = the number of
 * generated frames, plus every generated frame once, shuffled — so exactly half of the steps
 * see the photo (paper; code data/dataset.py `frame_idx_list['captured'] *= #generated`,
 * DataLoader shuffle=True). With `balanced: false` the photo appears once per epoch (ablation).
 */
import { PersonaError } from '../core/errors.js';
import { Rng } from '../core/rng.js';

/** One training step's sample: the photo, or generated frame `index`. */
export type Sample = { kind: 'photo'; index: 0 } | { kind: 'generated'; index: number };

/** Options of the sampler. */
export interface SamplerOptions {
  /** Number of generated frames (≥ 1). */
  generatedFrames: number;
  /** Repeat the photo once per generated frame (the config's `sampling.balanced`; false is the ablation). */
  balanced: boolean;
  /** Seed of the shuffle (the config's `seed`); epoch e uses a stream derived from (seed, e). */
  seed: number;
}

/** Deterministic epoch orders of balanced (or plain) sampling. */
export class BalancedSampler {
  readonly generatedFrames: number;
  readonly balanced: boolean;
  readonly seed: number;

  constructor(options: SamplerOptions) {
    if (!(Number.isInteger(options.generatedFrames) && options.generatedFrames >= 1))
      throw new PersonaError(`sampler: need at least one generated frame, got ${options.generatedFrames}`, {
        hint: 'run the generate stage first (PERSONA trains on the photo plus generated frames)',
      });
    this.generatedFrames = options.generatedFrames;
    this.balanced = options.balanced;
    this.seed = options.seed;
  }

  /** Steps per epoch: 2N when balanced, N + 1 otherwise. */
  get stepsPerEpoch(): number {
    return this.balanced ? 2 * this.generatedFrames : this.generatedFrames + 1;
  }

  /** The shuffled order of epoch `epoch` (same inputs → same order, independent per epoch). */
  epoch(epoch: number): Sample[] {
    const N = this.generatedFrames;
    const items: Sample[] = [];
    const photos = this.balanced ? N : 1;
    for (let i = 0; i < photos; i++) items.push({ kind: 'photo', index: 0 });
    for (let i = 0; i < N; i++) items.push({ kind: 'generated', index: i });
    return new Rng(mixSeed(this.seed, epoch)).shuffle(items);
  }

  /** The sample of global iteration `it` (epoch = ⌊it / stepsPerEpoch⌋), for resuming mid-epoch. */
  at(it: number): Sample {
    const spe = this.stepsPerEpoch;
    return this.epoch(Math.floor(it / spe))[it % spe]!;
  }
}

/** Combines a seed and an epoch number into one 32-bit seed. */
function mixSeed(seed: number, epoch: number): number {
  let h = (seed ^ 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (epoch + 0x27d4eb2f), 0x9e3779b1) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
