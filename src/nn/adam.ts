/**
 * Adam over named parameter groups (PyTorch semantics: bias-corrected moments, ε added to
 * √v̂, no weight decay), with per-group learning rates, per-group step counters (a group that
 * got no gradient this step is skipped, as PyTorch skips parameters whose grad is None) and
 * PERSONA's step schedule (every lr ÷ factor once, at a fraction of the iterations).
 */
import { PersonaError } from '../core/errors.js';
import type { Floats, Param } from './types.js';

/** One optimised group: its tensors and its base learning rate. */
export interface ParamGroup {
  name: string;
  params: Param[];
  lr: number;
}

/**
 * Adam hyper-parameters: no defaults here, so that no default shadows a caller's configuration. The avatar's
 * come from src/train/config.ts (`schedule.adam*`; PERSONA: ε = 1e-15), the body fit's from src/fit/config.ts.
 */
export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

/** Serialisable optimizer state: per tensor (by name) the moments, per group its step count. */
export interface AdamState {
  beta1: number;
  beta2: number;
  eps: number;
  groups: { name: string; step: number; lrScale: number }[];
  /** m and v of every tensor, by tensor name. */
  moments: Record<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * The step schedule: lr multiplier 1, then 1/factor from iteration ⌊decayAt·total⌋ on (code base.py set_lr; the
 * avatar's `decayAt` and `factor` are `schedule.decayAt`/`decayFactor` of src/train/config.ts).
 */
export function lrMultiplier(iteration: number, totalIterations: number, decayAt: number, factor: number): number {
  return iteration >= Math.floor(decayAt * totalIterations) ? 1 / factor : 1;
}

interface Slot {
  param: Param;
  m: Float32Array;
  v: Float32Array;
}

/** Adam optimizer over named groups. */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly groups: { group: ParamGroup; slots: Slot[]; step: number; lrScale: number }[];

  constructor(groups: ParamGroup[], options: AdamOptions) {
    this.beta1 = options.beta1;
    this.beta2 = options.beta2;
    this.eps = options.eps;
    const names = new Set<string>();
    this.groups = groups.map((group) => {
      if (names.has(group.name)) throw new PersonaError(`Adam: duplicate group name "${group.name}"`);
      names.add(group.name);
      const slots = group.params.map((param) => {
        if (param.value.length !== param.grad.length)
          throw new PersonaError(`Adam: ${param.name} has ${param.value.length} values but ${param.grad.length} gradients`);
        return { param, m: new Float32Array(param.value.length), v: new Float32Array(param.value.length) };
      });
      return { group, slots, step: 0, lrScale: 1 };
    });
    const tensorNames = new Set<string>();
    for (const g of this.groups)
      for (const s of g.slots) {
        if (tensorNames.has(s.param.name)) throw new PersonaError(`Adam: tensor "${s.param.name}" is in two groups`);
        tensorNames.add(s.param.name);
      }
  }

  /** Sets the schedule multiplier of every group's lr (e.g. `lrMultiplier(it, total, decayAt, factor)`). */
  setLrScale(scale: number): void {
    for (const g of this.groups) g.lrScale = scale;
  }

  /** The current lr of a group (base × schedule). */
  lr(groupName: string): number {
    const g = this.groups.find((x) => x.group.name === groupName);
    if (!g) throw new PersonaError(`Adam: no group "${groupName}"`);
    return g.group.lr * g.lrScale;
  }

  /** Step count of a group. */
  stepCount(groupName: string): number {
    const g = this.groups.find((x) => x.group.name === groupName);
    if (!g) throw new PersonaError(`Adam: no group "${groupName}"`);
    return g.step;
  }

  /**
   * One Adam update of every group (or only the groups named in `active`: the others had no
   * gradient this step and keep their moments and step count, as in PyTorch).
   */
  step(active?: ReadonlySet<string>): void {
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    for (const g of this.groups) {
      if (active && !active.has(g.group.name)) continue;
      g.step++;
      const lr = g.group.lr * g.lrScale;
      const bc1 = 1 - Math.pow(b1, g.step), bc2 = 1 - Math.pow(b2, g.step);
      const stepSize = lr / bc1, sqrtBc2 = Math.sqrt(bc2);
      for (const s of g.slots) adamKernel(s.param.value, s.param.grad, s.m, s.v, b1, b2, eps, stepSize, sqrtBc2);
    }
  }

  /** Zeroes every gradient of every group. */
  zeroGrad(): void {
    for (const g of this.groups) for (const s of g.slots) s.param.grad.fill(0);
  }

  /** A copy of the state, for checkpoints. */
  state(): AdamState {
    const moments: AdamState['moments'] = {};
    for (const g of this.groups) for (const s of g.slots) moments[s.param.name] = { m: s.m.slice(), v: s.v.slice() };
    return {
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      groups: this.groups.map((g) => ({ name: g.group.name, step: g.step, lrScale: g.lrScale })),
      moments,
    };
  }

  /** Restores a state saved by `state()` for the same groups and tensor sizes. */
  loadState(state: AdamState): void {
    for (const g of this.groups) {
      const saved = state.groups.find((x) => x.name === g.group.name);
      if (!saved) throw new PersonaError(`Adam.loadState: the saved state has no group "${g.group.name}"`);
      g.step = saved.step;
      g.lrScale = saved.lrScale;
      for (const s of g.slots) {
        const mv = state.moments[s.param.name];
        if (!mv) throw new PersonaError(`Adam.loadState: the saved state has no moments for "${s.param.name}"`);
        if (mv.m.length !== s.m.length || mv.v.length !== s.v.length)
          throw new PersonaError(`Adam.loadState: "${s.param.name}" has ${s.m.length} values, the saved state ${mv.m.length}`);
        s.m.set(mv.m);
        s.v.set(mv.v);
      }
    }
  }
}

/**
 * m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε).
 * (PyTorch's formulation, torch/optim/adam.py single-tensor path.)
 */
function adamKernel(p: Floats, g: Floats, m: Float32Array, v: Float32Array, b1: number, b2: number, eps: number, stepSize: number, sqrtBc2: number): void {
  const n = p.length, a1 = 1 - b1, a2 = 1 - b2;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = (m[i] = b1 * m[i]! + a1 * gi);
    const vi = (v[i] = b2 * v[i]! + a2 * gi * gi);
    p[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
