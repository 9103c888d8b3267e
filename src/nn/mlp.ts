import { PersonaError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { reluBackward, reluForward } from './activations.js';
import { GroupNorm } from './groupnorm.js';
import { checkRows, Linear } from './linear.js';
import { ensureLength, type FloatCtor, type Floats, type Param } from './types.js';

/** Options of an `Mlp`. */
export interface MlpOptions {
  inDim: number;
  outDim: number;
  /** Hidden widths (the avatar's come from its preset: `AvatarShape.mlpHidden`, PERSONA 128-128-128). */
  hidden: readonly number[];
  /** Groups of the GroupNorm after each hidden Linear; 0 = no normalisation (PERSONA: GroupNorm(4, ·)). */
  groups: number;
  rng?: Rng;
  dtype?: FloatCtor;
  /** Parameter-name prefix (default `mlp`). */
  name?: string;
}

/**
 * A multilayer perceptron in PERSONA's layout: [Linear → GroupNorm → ReLU] per hidden width,
 * then a final Linear with no activation (make_linear_layers(..., relu_final=False, use_gn=True)).
 *
 * Memory: per hidden layer it keeps x̂ (n×H) and 1/σ (n×G) from the forward pass; the ReLU
 * outputs are recomputed from x̂ in the backward pass (cheap, elementwise), so the footprint is
 * (L + 3)·n·H floats (≈123 MB at n = 40k, H = 128, L = 3, float32). Buffers grow on demand and
 * are reused across calls: no allocation per step once warm.
 *
 * Contract: `backward` must follow the `forward` whose cached state it uses, with the same n
 * and the same input; the output returned by `forward` stays valid until the next `forward`.
 */
export class Mlp {
  readonly inDim: number;
  readonly outDim: number;
  readonly hidden: readonly number[];
  readonly groups: number;
  readonly dtype: FloatCtor;
  readonly layers: Linear[]; // hidden.length + 1
  readonly norms: GroupNorm[]; // hidden.length (empty when groups = 0)
  private xhat: Floats[] = []; // per hidden layer: n×H_k (x̂ with GN, else the ReLU output)
  private rstd: Floats[] = []; // per hidden layer: n×G
  private s1: Floats | null = null; // scratch n×Hmax
  private d1: Floats | null = null; // scratch n×Hmax
  private d2: Floats | null = null; // scratch n×Hmax
  private out: Floats | null = null; // n×outDim
  private lastAct: Floats | null = null; // the buffer holding the last hidden ReLU output after forward
  private capacity = 0;

  constructor(options: MlpOptions) {
    const { hidden, groups } = options;
    if (hidden.length === 0) throw new PersonaError('Mlp: needs at least one hidden layer');
    const name = options.name ?? 'mlp';
    this.inDim = options.inDim;
    this.outDim = options.outDim;
    this.hidden = [...hidden];
    this.groups = groups;
    this.dtype = options.dtype ?? Float32Array;
    const dims = [options.inDim, ...hidden, options.outDim];
    this.layers = [];
    this.norms = [];
    for (let k = 0; k + 1 < dims.length; k++) {
      // Layer names follow PyTorch's nn.Sequential indices so weights can be compared/imported.
      this.layers.push(new Linear(dims[k]!, dims[k + 1]!, { rng: options.rng, dtype: this.dtype, name: `${name}.l${k}` }));
      if (k < hidden.length && groups > 0)
        this.norms.push(new GroupNorm(dims[k + 1]!, groups, { dtype: this.dtype, name: `${name}.gn${k}` }));
    }
  }

  /** Grows the cached buffers to hold n rows. */
  ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    const ctor = this.dtype, hmax = Math.max(...this.hidden), G = Math.max(1, this.groups);
    this.xhat = this.hidden.map((h, k) => ensureLength(this.xhat[k] ?? null, n * h, ctor));
    this.rstd = this.hidden.map((_, k) => ensureLength(this.rstd[k] ?? null, n * G, ctor));
    this.s1 = ensureLength(this.s1, n * hmax, ctor);
    this.d1 = ensureLength(this.d1, n * hmax, ctor);
    this.d2 = ensureLength(this.d2, n * hmax, ctor);
    this.out = ensureLength(this.out, n * this.outDim, ctor);
    this.capacity = n;
  }

  /** Forward over n rows of x (n×inDim); returns the output view (n×outDim). */
  forward(x: Floats, n: number): Floats {
    checkRows('Mlp.forward x', x, n, this.inDim);
    const first = this.layers[0]!;
    return this.runForward(n, (z1) => first.forward(x, n, z1));
  }

  /**
   * Backward for the last `forward(x, n)`: accumulates every parameter gradient and, when `dx`
   * is given, writes dL/dx (n×inDim). `dOut` is dL/d(output), n×outDim.
   */
  backward(x: Floats, dOut: Floats, n: number, dx: Floats | null): void {
    const first = this.layers[0]!;
    this.runBackward(dOut, n, (dz1) => first.backward(x, dz1, n, dx));
  }

  /**
   * Forward with a custom first layer: `writeFirst(z1)` must write the first Linear's output
   * (n×hidden[0]). Used by `PoseOffsetMlp`, whose first layer has a shared-condition term.
   */
  runForward(n: number, writeFirst: (z1: Floats) => void): Floats {
    this.ensureCapacity(n);
    const L = this.hidden.length;
    let a: Floats | null = null;
    for (let k = 0; k < L; k++) {
      const z = this.xhat[k]!;
      if (k === 0) writeFirst(z);
      else this.layers[k]!.forward(a!, n, z);
      const h = this.hidden[k]!;
      if (this.groups > 0) {
        const gn = this.norms[k]!;
        a = k % 2 === 0 ? this.s1! : this.d1!;
        gn.normalizeAffineRelu(z, this.rstd[k]!, a, n);
      } else {
        reluForward(z, z, n * h);
        a = z;
      }
    }
    const out = this.out!;
    this.lastAct = a;
    this.layers[L]!.forward(a!, n, out);
    return out.subarray(0, n * this.outDim);
  }

  /** Backward with a custom first layer: `backFirst(dz1)` receives dL/dz1 (n×hidden[0]). */
  runBackward(dOut: Floats, n: number, backFirst: (dz1: Floats) => void): void {
    if (n > this.capacity) throw new PersonaError(`Mlp.backward: ${n} rows but the last forward held ${this.capacity}`);
    checkRows('Mlp.backward dOut', dOut, n, this.outDim);
    const L = this.hidden.length;
    // The last hidden activation is still in s1 when forward left it there (L odd); else recompute.
    let a = this.lastAct === this.s1 || this.groups === 0 ? this.lastAct! : this.activation(L - 1, n);
    // d1 may hold the last activation when L is even: start the gradients in d2 then.
    let d = a === this.d1 ? this.d2! : this.d1!, dNext = d === this.d1 ? this.d2! : this.d1!;
    this.layers[L]!.backward(a, dOut, n, d);
    for (let k = L - 1; k >= 0; k--) {
      const len = n * this.hidden[k]!;
      // GN → ReLU backward fused (the mask comes from x̂); without GN, mask by the stored output.
      if (this.groups > 0) this.norms[k]!.backward(d, this.xhat[k]!, this.rstd[k]!, n, d, true);
      else reluBackward(a, d, d, len);
      if (k === 0) {
        backFirst(d);
      } else {
        a = this.activation(k - 1, n);
        this.layers[k]!.backward(a, d, n, dNext);
        const t = d;
        d = dNext;
        dNext = t;
      }
    }
  }

  /** The ReLU output of hidden layer k, recomputed from x̂ into scratch `s1` (or stored). */
  private activation(k: number, n: number): Floats {
    if (this.groups === 0) return this.xhat[k]!;
    const s = this.s1!;
    this.norms[k]!.affine(this.xhat[k]!, s, n, true);
    return s;
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    for (const l of this.layers) l.zeroGrad();
    for (const g of this.norms) g.zeroGrad();
  }

  /** All learnable tensors in a stable order (layer by layer). */
  params(): Param[] {
    const out: Param[] = [];
    for (let k = 0; k < this.layers.length; k++) {
      out.push(...this.layers[k]!.params());
      if (k < this.norms.length) out.push(...this.norms[k]!.params());
    }
    return out;
  }

  /** Number of learnable scalars. */
  parameterCount(): number {
    return this.params().reduce((s, p) => s + p.value.length, 0);
  }
}
