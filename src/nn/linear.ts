import { Rng } from '../core/rng.js';
import { PersonaError } from '../core/errors.js';
import { initLinearUniform } from './init.js';
import { linearBackwardInput, linearBackwardWeight, linearForward } from './kernels.js';
import type { FloatCtor, Floats, Param } from './types.js';

/** Options of a `Linear` layer. */
export interface LinearOptions {
  /** Seeded generator for PyTorch-style uniform init; omitted → all zeros. */
  rng?: Rng;
  /** Buffer type (Float32Array in production, Float64Array for gradient tests). */
  dtype?: FloatCtor;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** Name prefix of its parameters (default `linear`). */
  name?: string;
}

/**
 * A fully connected layer y = x·Wᵀ + b over N rows. `weight` is outDim×inDim row-major (as
 * PyTorch), `bias` outDim. `backward` accumulates into `gradWeight`/`gradBias`.
 */
export class Linear {
  readonly inDim: number;
  readonly outDim: number;
  readonly name: string;
  readonly weight: Floats; // outDim×inDim
  readonly bias: Floats | null; // outDim
  readonly gradWeight: Floats; // outDim×inDim
  readonly gradBias: Floats | null; // outDim

  constructor(inDim: number, outDim: number, options: LinearOptions = {}) {
    if (!(Number.isInteger(inDim) && inDim > 0 && Number.isInteger(outDim) && outDim > 0))
      throw new PersonaError(`Linear: dimensions must be positive integers, got ${inDim}→${outDim}`);
    const ctor = options.dtype ?? Float32Array;
    this.inDim = inDim;
    this.outDim = outDim;
    this.name = options.name ?? 'linear';
    this.weight = new ctor(outDim * inDim);
    this.gradWeight = new ctor(outDim * inDim);
    const hasBias = options.bias ?? true;
    this.bias = hasBias ? new ctor(outDim) : null;
    this.gradBias = hasBias ? new ctor(outDim) : null;
    if (options.rng) initLinearUniform(this.weight, this.bias, inDim, options.rng);
  }

  /** y (n×outDim) = x (n×inDim)·Wᵀ + b. */
  forward(x: Floats, n: number, y: Floats): void {
    checkRows('Linear.forward x', x, n, this.inDim);
    checkRows('Linear.forward y', y, n, this.outDim);
    linearForward(x, this.weight, this.bias, y, n, this.inDim, this.outDim);
  }

  /**
   * Given x (n×inDim, the forward input) and dy (n×outDim), accumulates dW and db and, when
   * `dx` is given, writes dx (n×inDim) = dy·W.
   */
  backward(x: Floats, dy: Floats, n: number, dx: Floats | null): void {
    checkRows('Linear.backward x', x, n, this.inDim);
    checkRows('Linear.backward dy', dy, n, this.outDim);
    linearBackwardWeight(x, dy, this.gradWeight, this.gradBias, n, this.inDim, this.outDim);
    if (dx) {
      checkRows('Linear.backward dx', dx, n, this.inDim);
      linearBackwardInput(dy, this.weight, dx, n, this.inDim, this.outDim);
    }
  }

  /** Sets the gradients to zero. */
  zeroGrad(): void {
    this.gradWeight.fill(0);
    this.gradBias?.fill(0);
  }

  /** The learnable tensors: `<name>.weight` and `<name>.bias`. */
  params(): Param[] {
    const out: Param[] = [{ name: `${this.name}.weight`, value: this.weight, grad: this.gradWeight }];
    if (this.bias && this.gradBias) out.push({ name: `${this.name}.bias`, value: this.bias, grad: this.gradBias });
    return out;
  }
}

/** Throws unless `buf` holds at least n×width elements. */
export function checkRows(what: string, buf: Floats, n: number, width: number): void {
  if (buf.length < n * width)
    throw new PersonaError(`${what}: buffer holds ${buf.length} values, need ${n}×${width} = ${n * width}`);
}
