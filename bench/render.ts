/**
 * Rasterizer benchmark: a UV sphere of about 30k triangles filling a 1024² view, with and
 * without supersampling, plus a shaded render. Prints figures and writes JSON to
 * bench/results/render.json. Run: npm run bench:render
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { lookAtCamera } from '../src/core/camera.js';
import { rasterizeMesh } from '../src/render/raster.js';
import { renderShaded } from '../src/render/shade.js';

function uvSphere(rings: number, segments: number): { positions: Float32Array; triangles: Uint32Array } {
  const pos: number[] = [];
  for (let i = 0; i <= rings; i++) {
    const th = (i / rings) * Math.PI;
    for (let j = 0; j <= segments; j++) {
      const ph = (j / segments) * 2 * Math.PI;
      pos.push(Math.sin(th) * Math.cos(ph), Math.cos(th), Math.sin(th) * Math.sin(ph));
    }
  }
  const tri: number[] = [];
  for (let i = 0; i < rings; i++) for (let j = 0; j < segments; j++) {
    const a = i * (segments + 1) + j, b = a + segments + 1;
    tri.push(a, a + 1, b, a + 1, b + 1, b);
  }
  return { positions: Float32Array.from(pos), triangles: Uint32Array.from(tri) };
}

function time(label: string, reps: number, fn: () => void): number {
  fn(); // warm-up
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) fn();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(44)} ${ms.toFixed(1)} ms`);
  return ms;
}

const { positions, triangles } = uvSphere(100, 150);
const F = triangles.length / 3;
const cam = lookAtCamera([0, 0.3, 2.8], [0, 0, 0], { width: 1024, height: 1024, fovYDeg: 45 });
console.log(`mesh: ${positions.length / 3} vertices, ${F} triangles; image 1024×1024`);
const results: Record<string, number> = { triangles: F };
results.rasterMs = time('rasterizeMesh (no AA)', 5, () => rasterizeMesh(positions, triangles, cam));
results.rasterCullMs = time('rasterizeMesh (cull back)', 5, () => rasterizeMesh(positions, triangles, cam, { cull: 'back' }));
results.rasterSS2Ms = time('rasterizeMesh (supersample 2)', 3, () => rasterizeMesh(positions, triangles, cam, { supersample: 2 }));
results.shadedSS2Ms = time('renderShaded (supersample 2, cull back)', 3, () => renderShaded(positions, triangles, cam, { supersample: 2, cull: 'back' }));
const r = rasterizeMesh(positions, triangles, cam);
results.coveredPixels = r.alpha.reduce((s, v) => s + v, 0);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/render.json', JSON.stringify(results, null, 2));
