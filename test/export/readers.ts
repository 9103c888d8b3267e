/**
 * Readers we did not write, for checking exports: `@mkkellogg/gaussian-splats-3d` (a three.js splat viewer)
 * parses PLY, .splat and SPZ (versions 1–2) in Node. It calls `window.setTimeout`, so `window` is aliased to
 * the global object while it runs (and removed after: splat-transform takes a defined `window` for a browser
 * and then looks for `navigator`). It pipes the given chunk straight into `DecompressionStream`, which
 * in Node takes a Uint8Array (not an ArrayBuffer) — so SPZ bytes are passed as a Uint8Array.
 */
export type ForeignSplatFormat = 'ply' | 'splat' | 'spz';

interface SplatArray { splatCount: number; splats: ArrayLike<number>[] }
interface Gs3d {
  PlyParser: { parseToUncompressedSplatArray(data: ArrayBuffer, shDegree: number): SplatArray };
  SplatParser: { parseStandardSplatToUncompressedSplatArray(data: ArrayBuffer): SplatArray };
  SpzLoader: { loadFromFileData(data: Uint8Array, minAlpha: number, compression: number, optimize: boolean, sh: number): Promise<{ getSplatCount(): number; getSplatCenter(i: number, out: { x: number; y: number; z: number }): void } | null> };
}

/** The package has no type declarations; the interface above is the part used here. */
const GS3D = '@mkkellogg/gaussian-splats-3d';

/** The N×3 positions gaussian-splats-3d reads from a file's bytes, as stored (no frame change). */
export async function gs3dPositions(bytes: Uint8Array, format: ForeignSplatFormat): Promise<Float32Array> {
  const g = globalThis as unknown as { window?: unknown };
  const had = 'window' in g;
  g.window ??= globalThis;
  try {
    return await read((await import(GS3D)) as Gs3d, bytes, format);
  } finally {
    if (!had) delete g.window;
  }
}

async function read(g: Gs3d, bytes: Uint8Array, format: ForeignSplatFormat): Promise<Float32Array> {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (format === 'spz') {
    const buffer = await g.SpzLoader.loadFromFileData(new Uint8Array(bytes), 0, 0, false, 0);
    if (!buffer) throw new Error('gaussian-splats-3d could not read the SPZ');
    const n = buffer.getSplatCount();
    const out = new Float32Array(n * 3);
    const c = { x: 0, y: 0, z: 0 };
    for (let i = 0; i < n; i++) {
      buffer.getSplatCenter(i, c);
      out[i * 3] = c.x; out[i * 3 + 1] = c.y; out[i * 3 + 2] = c.z;
    }
    return out;
  }
  const arr = format === 'ply' ? g.PlyParser.parseToUncompressedSplatArray(ab, 0) : g.SplatParser.parseStandardSplatToUncompressedSplatArray(ab);
  const out = new Float32Array(arr.splatCount * 3);
  for (let i = 0; i < arr.splatCount; i++) {
    const s = arr.splats[i]!;
    out[i * 3] = s[0]!; out[i * 3 + 1] = s[1]!; out[i * 3 + 2] = s[2]!;
  }
  return out;
}

/**
 * Where the fixture person's head and feet are along Y in stored positions: the mean |x| of the 4 % of
 * points at each end of the Y range. The fixture's head is one blob on the midline (|x| ≈ 0) and its feet
 * are two columns at |x| ≈ 0.1 m, so the end whose points lie on the midline is the head's.
 */
export function headAndFeet(positions: Float32Array): { minYMeanAbsX: number; maxYMeanAbsX: number; height: number } {
  const n = positions.length / 3;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => positions[a * 3 + 1]! - positions[b * 3 + 1]!);
  const k = Math.max(1, Math.round(n * 0.04));
  const meanAbsX = (ids: number[]): number => ids.reduce((s, i) => s + Math.abs(positions[i * 3]!), 0) / ids.length;
  return {
    minYMeanAbsX: meanAbsX(order.slice(0, k)),
    maxYMeanAbsX: meanAbsX(order.slice(n - k)),
    height: positions[order[n - 1]! * 3 + 1]! - positions[order[0]! * 3 + 1]!,
  };
}
