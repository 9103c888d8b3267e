import type { Rng } from '../core/rng.js';
import type { Floats } from './types.js';

/**
 * PyTorch's default `nn.Linear` initialisation (kaiming_uniform with a=√5, which reduces to
 * U(−1/√fanIn, 1/√fanIn) for the weights; the bias uses the same bound). PERSONA keeps the
 * defaults (avatar/common/nets/layer.py, make_linear_layers), so we do too.
 */
export function initLinearUniform(weight: Floats, bias: Floats | null, fanIn: number, rng: Rng): void {
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-bound, bound);
  if (bias) for (let i = 0; i < bias.length; i++) bias[i] = rng.uniform(-bound, bound);
}
