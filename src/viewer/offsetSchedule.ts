/**
 * Scheduling of pose-offset baking in the viewer. The PERSONA offset MLP costs ~50k multiply-adds per anchor
 * (128-128-128 with group norm), about 1–2 s per pose for 10k anchors in a browser worker, so offsets cannot
 * be evaluated every displayed frame. The page bakes them per motion frame, coarse to fine (every 8th frame
 * first, then every 4th, 2nd, and all), caches them, and blends between the nearest baked frames around the
 * playhead. Pure functions, tested in node.
 */

/** Coarsest baking stride (frames). */
export const COARSEST_STRIDE = 8;

/** The order in which to bake the F frames of a looping motion: stride 8, then 4, 2, 1, each starting at `start`. */
export function bakeOrder(frameCount: number, start = 0, coarsest = COARSEST_STRIDE): Int32Array {
  const order = new Int32Array(frameCount);
  const seen = new Uint8Array(frameCount);
  let n = 0;
  for (let s = coarsest; s >= 1; s = s >> 1) {
    for (let k = 0; k < frameCount; k += s) {
      const f = (start + k) % frameCount;
      if (!seen[f]) { seen[f] = 1; order[n++] = f; }
    }
  }
  return order;
}

/**
 * The baked frames around playhead position u (in frames, 0 ≤ u < F, looping) and the blend weight of the
 * upper one: value = (1 − w)·lo + w·hi. Returns null when nothing is baked.
 */
export function bracket(isBaked: (f: number) => boolean, frameCount: number, u: number): { lo: number; hi: number; w: number } | null {
  const F = frameCount;
  const f0 = Math.floor(u) % F;
  let lo = -1, dLo = 0;
  for (let d = 0; d < F; d++) {
    const f = (f0 - d + F) % F;
    if (isBaked(f)) { lo = f; dLo = d + (u - Math.floor(u)); break; }
  }
  if (lo < 0) return null;
  let hi = lo, dHi = 0;
  for (let d = 1; d <= F; d++) {
    const f = (f0 + d) % F;
    if (isBaked(f)) { hi = f; dHi = d - (u - Math.floor(u)); break; }
  }
  if (hi === lo || dLo === 0) return { lo, hi: lo, w: 0 };
  return { lo, hi, w: dLo / (dLo + dHi) };
}
