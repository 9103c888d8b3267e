import type { Floats } from './types.js';

/** y = max(x, 0) over the first `len` values (y may alias x). */
export function reluForward(x: Floats, y: Floats, len: number): void {
  for (let i = 0; i < len; i++) {
    const v = x[i]!;
    y[i] = v > 0 ? v : 0;
  }
}

/**
 * dx = dy·[y > 0] given the ReLU *output* y (so the input need not be kept); dx may alias dy.
 * At exactly 0 the subgradient 0 is used, as PyTorch does.
 */
export function reluBackward(y: Floats, dy: Floats, dx: Floats, len: number): void {
  for (let i = 0; i < len; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
}

/** σ(x) = 1/(1+e^(−x)), elementwise (used for PERSONA's RGB / segmentation logits). */
export function sigmoidForward(x: Floats, y: Floats, len: number): void {
  for (let i = 0; i < len; i++) y[i] = 1 / (1 + Math.exp(-x[i]!));
}

/** dx = dy·σ(1−σ) given the sigmoid output y; dx may alias dy. */
export function sigmoidBackward(y: Floats, dy: Floats, dx: Floats, len: number): void {
  for (let i = 0; i < len; i++) {
    const s = y[i]!;
    dx[i] = dy[i]! * s * (1 - s);
  }
}
