/**
 * Face capture before and after the face crop pass (docs/capture.md): renders synthetic face clip A (the face
 * test's) and held-out clip B (src/bench/faceClip.ts), captures each with and without Perceiver.refineFace, and
 * prints per-channel correlations with the true weights, perception seconds per frame (all of it, and the crop pass
 * alone) and the load average (the machine is shared: timings swing with it).
 * Writes bench/results/face-capture.json.
 *
 *   npm run bench:face-capture
 *   node dist/scripts/face-capture-bench.js --clips A      # one clip
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { packageRoot } from '../src/core/version.js';
import { captureImages, capturePerceiver } from '../src/capture/capture.js';
import { FACE_CLIPS, faceClipCorrelations, renderFaceClip } from '../src/bench/faceClip.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : def; };
const clipNames = flag('--clips', 'A,B').split(',') as Array<keyof typeof FACE_CLIPS>;
const round = (x: number, d = 3): number => Number(x.toFixed(d));

const perceiver = await capturePerceiver(true);
// Time the crop pass on its own: wrap the Perceiver's refineFace.
const refine = perceiver.refineFace.bind(perceiver);
let refineSeconds = 0, refineCalls = 0;
perceiver.refineFace = async (image, face) => {
  const t = performance.now();
  try { return await refine(image, face); } finally { refineSeconds += (performance.now() - t) / 1000; refineCalls++; }
};
const loadBefore = loadavg().map((x) => round(x, 2));
const clips: Record<string, unknown> = {};
for (const name of clipNames) {
  const spec = FACE_CLIPS[name];
  if (!spec) throw new Error(`unknown clip ${name} (A or B)`);
  const clip = renderFaceClip(spec);
  const runs: Record<string, unknown> = {};
  for (const mode of ['before', 'after'] as const) {
    refineSeconds = 0; refineCalls = 0;
    // The body fit does not touch the face channels: a light schedule keeps the bench short.
    const r = await captureImages(clip.images, spec.fps, { fovDeg: clip.fovDeg, perceiver, pinFeet: false, level: false, iterationScale: 0.1, refineFace: mode === 'after' });
    const corr = r.face ? faceClipCorrelations(r.face.names, r.face.weights, clip.weights) : null;
    const seen = r.face ? r.face.seen.reduce((a, b) => a + b, 0) : 0;
    const secondsPerFrame = r.timings.perceiveSeconds / spec.frames;
    const cropPerFrame = refineCalls ? refineSeconds / refineCalls : 0;
    console.log(`clip ${name} ${mode.padEnd(6)} ${corr ? Object.entries(corr).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  ') : 'no face'}  face ${seen}/${spec.frames}  perceive ${secondsPerFrame.toFixed(3)} s/frame (crop pass ${cropPerFrame.toFixed(3)})`);
    runs[mode] = {
      correlation: corr && Object.fromEntries(Object.entries(corr).map(([k, v]) => [k, round(v)])),
      faceFrames: seen,
      perceiveSecondsPerFrame: round(secondsPerFrame),
      cropPassSecondsPerFrame: round(cropPerFrame),
      weights: r.face ? Array.from(r.face.weights, (x) => round(x)) : null,
    };
  }
  clips[name] = { spec, truth: Array.from(clip.weights), runs };
}
const load = loadavg().map((x) => round(x, 2));
console.log(`load average (1, 5, 15 min) ${loadBefore.join(' ')} at the start, ${load.join(' ')} at the end, on ${cpus().length} cores`);
const result = { date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgStart: loadBefore, loadavgEnd: load }, clips };
await writeJsonAtomic(join(packageRoot(), 'bench', 'results', 'face-capture.json'), result);
process.exit(0);
