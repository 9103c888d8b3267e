/**
 * Motion-capture throughput and accuracy on a synthetic clip (the project has no real videos):
 * a synthetic subject performs a builtin motion, rendered at SIZE×SIZE; `captureImages` runs on
 * the frames (perception with the capture Perceiver, shape fit, per-frame fit, contacts).
 * Prints figures and writes bench/results/capture.json.
 *
 *   npm run bench:capture                       # dance, 24 frames at 10 fps, 512 px
 *   node dist/bench/capture.js --motion punch-kick --frames 16 --size 384
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { packageRoot } from '../src/core/version.js';
import { captureImages, capturePerceiver } from '../src/capture/capture.js';
import { detectContacts, placeOnFloor } from '../src/capture/contacts.js';
import { angleErrors, footSkating, SCORED_LIMBS } from '../src/capture/metrics.js';
import { renderCaptureClip } from '../src/bench/captureClip.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : def; };
const motion = flag('--motion', 'dance'), frames = Number(flag('--frames', '24')), size = Number(flag('--size', '512'));
const fps = Number(flag('--fps', '10')), start = Number(flag('--start', '1'));

const t0 = performance.now();
const clip = renderCaptureClip({ motion, start, fps, frames, size, supersample: 1 });
const renderSeconds = (performance.now() - t0) / 1000;
const tl = performance.now();
const perceiver = await capturePerceiver();
const loadSeconds = (performance.now() - tl) / 1000;
const r = await captureImages(clip.images, fps, { fovDeg: clip.fovDeg, perceiver });
const L = SCORED_LIMBS.length;
const e = angleErrors(r.motion, r.skeleton, clip.truth, clip.skeleton, (f, l) => clip.limbVisible[f * L + l] === 1);
const truth = { ...clip.truth, rootTranslation: clip.truth.rootTranslation.slice() };
placeOnFloor(truth, clip.skeleton);
const planted = detectContacts(truth, clip.skeleton, { contactSpeed: 0.1, contactHeight: 0.03 });
const skate = footSkating(r.motion, r.skeleton, planted);
const result = {
  date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Number(x.toFixed(2))) },
  clip: { motion, start, fps, frames, size, fovDeg: clip.fovDeg, renderSeconds: Number(renderSeconds.toFixed(2)) },
  modelLoadSeconds: Number(loadSeconds.toFixed(2)),
  seconds: { perceive: Number(r.timings.perceiveSeconds.toFixed(2)), fit: Number(r.timings.fitSeconds.toFixed(2)), total: Number(r.timings.totalSeconds.toFixed(2)) },
  framesPerSecond: { perceive: Number((frames / r.timings.perceiveSeconds).toFixed(2)), fit: Number((frames / r.timings.fitSeconds).toFixed(2)), overall: Number(r.timings.framesPerSecond.toFixed(2)) },
  accuracy: {
    meanLimbDeg: Number(e.meanLimbDeg.toFixed(1)), meanFlexionDeg: Number(e.meanFlexionDeg.toFixed(1)),
    perLimbDeg: Object.fromEntries(Object.entries(e.perLimbDeg).map(([k, v]) => [k, Number(v.toFixed(1))])),
    contactDriftCmPerS: Number((100 * skate).toFixed(2)), plantedFootFrames: planted.reduce((a, b) => a + b, 0),
  },
  lostFrames: r.frames.filter((f) => f.lost).length,
};
console.log(JSON.stringify(result, null, 2));
await writeJsonAtomic(join(packageRoot(), 'bench', 'results', `capture-${motion}-${size}.json`), result);
process.exit(0);
