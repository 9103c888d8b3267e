/**
 * `npm run bench:body` — times one posed body (shape + FK + LBS) and its backward pass on the
 * compiled MakeHuman model, at subdivision levels 0–2; prints and writes bench/results/body.json.
 * Timings are medians over repeated runs on a shared machine: expect noise.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBodyModel } from '../src/body/model.js';
import { BodyPoser } from '../src/body/skinning.js';
import { namedPose } from '../src/body/poses.js';
import { subdivide } from '../src/body/subdivide.js';
import { packageRoot } from '../src/core/version.js';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { cpus } from 'node:os';

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }
function time(fn: () => void, minRuns: number, minMs: number): { medianMs: number; runs: number } {
  const t: number[] = [];
  const start = performance.now();
  while (t.length < minRuns || performance.now() - start < minMs) { const a = performance.now(); fn(); t.push(performance.now() - a); }
  return { medianMs: median(t), runs: t.length };
}

const t0 = performance.now();
const model = loadBodyModel();
const loadMs = performance.now() - t0;
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  compiledBytes: model.compiledBytes, loadMs,
  joints: model.skeleton.names.length, shapeCount: model.shapeCount, expressionCount: model.expressionNames.length, influences: model.skinning.influences,
  levels: [] as unknown[],
};
const beta = model.semanticShape({ gender: 0.3, weight: 0.6 });
const expr = new Float64Array(model.expressionNames.length).fill(0.1);
const pose = namedPose(model, 'walk');
for (const level of [0, 1, 2]) {
  const ts = performance.now();
  const m = level === 0 ? model : subdivide(model, level).model;
  const subdivideMs = performance.now() - ts;
  const poser = new BodyPoser(m);
  const params = { shape: beta, expression: expr, pose };
  const fwd = time(() => poser.forward(params), 5, level === 2 ? 3000 : 1500);
  const posed = poser.forward(params);
  const gv = new Float64Array(posed.vertices.length).fill(1e-3);
  const gj = new Float64Array(posed.joints.length).fill(1e-3);
  const bwd = time(() => poser.backward(posed, gv, gj), 5, level === 2 ? 3000 : 1500);
  // Pose only (shape and expression precomputed once, as animation and avatar training do).
  const rest = poser.rest(beta, expr);
  const fwdPose = time(() => poser.forward({ pose, rest }), 5, level === 2 ? 3000 : 1500);
  const bwdPose = time(() => poser.backward(posed, gv, gj, { shape: false, expression: false }), 5, level === 2 ? 3000 : 1500);
  const row = { level, vertices: m.vertexCount, triangles: m.triangles.length / 3, subdivideMs, forwardMs: fwd.medianMs, backwardMs: bwd.medianMs, poseOnlyForwardMs: fwdPose.medianMs, poseOnlyBackwardMs: bwdPose.medianMs, runs: fwd.runs };
  (results.levels as unknown[]).push(row);
  console.log(`level ${level}: ${m.vertexCount} vertices, ${m.triangles.length / 3} triangles; subdivide ${subdivideMs.toFixed(0)} ms; forward (shape+expr+FK+LBS) ${fwd.medianMs.toFixed(2)} ms; backward ${bwd.medianMs.toFixed(2)} ms (median of ${fwd.runs}/${bwd.runs}); pose only: forward ${fwdPose.medianMs.toFixed(2)} ms, backward ${bwdPose.medianMs.toFixed(2)} ms`);
}
console.log(`model: ${model.skeleton.names.length} joints, ${model.shapeCount} shape + ${model.expressionNames.length} expression components, ${model.skinning.influences} influences, compiled ${(model.compiledBytes / 1e6).toFixed(2)} MB, load ${loadMs.toFixed(0)} ms`);
const dir = join(packageRoot(), 'bench', 'results');
mkdirSync(dir, { recursive: true });
await writeJsonAtomic(join(dir, 'body.json'), results);
console.log(`wrote ${join(dir, 'body.json')}`);
