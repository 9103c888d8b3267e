/**
 * Exact Euclidean distance transforms on regular grids (Felzenszwalb & Huttenlocher 2012, "Distance
 * transforms of sampled functions": the lower envelope of parabolas, one axis at a time). Used for the
 * signed distance of the photo's matte (2D) and of the voxelized body (3D).
 */

const BIG = 1e20;

/**
 * 1D squared distance transform of `f` (length n, read with `stride` from `offset`) in place:
 * d(p) = min_q ((p − q)² + f(q)). Scratch arrays must hold n (v, z: n + 1) entries.
 */
function edt1d(data: Float64Array, offset: number, stride: number, n: number, f: Float64Array, d: Float64Array, v: Int32Array, z: Float64Array): void {
  for (let i = 0; i < n; i++) f[i] = data[offset + i * stride]!;
  let k = 0;
  v[0] = 0; z[0] = -Infinity; z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = ((f[q]! + q * q) - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = ((f[q]! + q * q) - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q; z[k] = s; z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const dq = q - v[k]!;
    d[q] = dq * dq + f[v[k]!]!;
  }
  for (let i = 0; i < n; i++) data[offset + i * stride] = d[i]!;
}

/**
 * Squared Euclidean distance (in cells) from every cell of an N-dimensional grid (dims x fastest) to the
 * nearest cell where `seed` is set; Infinity-free: cells far from any seed get ~1e20.
 */
export function squaredDistanceToSeeds(seed: Uint8Array, dims: readonly number[]): Float64Array {
  const total = dims.reduce((a, b) => a * b, 1);
  if (seed.length !== total) throw new Error(`squaredDistanceToSeeds: ${seed.length} cells, dims give ${total}`);
  const data = new Float64Array(total);
  for (let i = 0; i < total; i++) data[i] = seed[i] ? 0 : BIG;
  const maxN = Math.max(...dims);
  const f = new Float64Array(maxN), d = new Float64Array(maxN), v = new Int32Array(maxN + 1), z = new Float64Array(maxN + 1);
  let stride = 1;
  for (let axis = 0; axis < dims.length; axis++) {
    const n = dims[axis]!;
    const outer = total / n;
    // every line along `axis`: offsets are all cells whose coordinate along axis is 0
    for (let line = 0; line < outer; line++) {
      const low = line % stride, high = Math.floor(line / stride);
      edt1d(data, low + high * stride * n, stride, n, f, d, v, z);
    }
    stride *= n;
  }
  return data;
}

/**
 * Signed distance (in cells) of a binary grid: negative inside (`inside` set), positive outside, measured
 * between cell centres and shifted by half a cell so the zero level lies on the boundary between cells.
 */
export function signedDistance(inside: Uint8Array, dims: readonly number[]): Float32Array {
  const outsideSeed = new Uint8Array(inside.length);
  for (let i = 0; i < inside.length; i++) outsideSeed[i] = inside[i] ? 0 : 1;
  const dIn = squaredDistanceToSeeds(inside, dims); // distance of outside cells to the inside
  const dOut = squaredDistanceToSeeds(outsideSeed, dims); // distance of inside cells to the outside
  const out = new Float32Array(inside.length);
  for (let i = 0; i < inside.length; i++) out[i] = inside[i] ? -(Math.sqrt(dOut[i]!) - 0.5) : Math.sqrt(dIn[i]!) - 0.5;
  return out;
}

/** Signed distance (pixels, negative inside) of an H×W matte's outline, the matte taken where it is at least one half. */
export function matteSignedDistance(matte: ArrayLike<number>, width: number, height: number): Float32Array {
  const inside = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p++) inside[p] = matte[p]! >= 0.5 ? 1 : 0;
  return signedDistance(inside, [width, height]);
}
