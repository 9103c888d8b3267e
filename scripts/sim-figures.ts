/**
 * Figures of the cloth and hair simulation (docs/sim.md): a skirted synthetic subject through a builtin
 * motion, three rows — skinning only, simulated (XPBD, src/sim), and the benchmark's analytic
 * pose-dependent garment (the "ground truth" deformation of src/bench/garments.ts) — plus a GIF of the
 * skinned and simulated subject side by side.
 * Run: npx tsc -p tsconfig.json && node dist/scripts/sim-figures.js [--subject 2] [--motion dance] [--out docs/images]
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writePng, createImage, type FloatImage } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { makeSubject } from '../src/bench/subjects.js';
import { skirtSurface, hairSurface } from '../src/bench/clothSurface.js';
import { contactSheet } from '../src/render/sheet.js';
import { prepareCloth, simulateCloth } from '../src/sim/index.js';
import { getBuiltinMotion, createPoseSampler, motionDuration, restSkeletonOf } from '../src/motion/index.js';
import { openSink } from '../src/animate/sinks.js';

const { values } = parseArgs({ options: { subject: { type: 'string', default: '2' }, motion: { type: 'string', default: 'dance' }, out: { type: 'string', default: join(packageRoot(), 'docs', 'images') }, frames: { type: 'string', default: '6' }, gif: { type: 'string' }, yaw: { type: 'string', default: '25' }, 'no-gif': { type: 'boolean' }, bend: { type: 'string' }, width: { type: 'string', default: '240' }, 'gif-fps': { type: 'string', default: '15' } } });
const s = makeSubject(Number(values.subject), { textureSize: 512 });
const rest = restSkeletonOf(s.model, s.shape);
const motion = getBuiltinMotion(values.motion!, rest.skeleton, rest.rest);
const poseAt = createPoseSampler(motion, s.model.skeleton);
const duration = motionDuration(motion);
const nSheet = Number(values.frames);
const sheetTimes = Array.from({ length: nSheet }, (_, k) => (duration * (k + 0.5)) / nSheet);
const gifFps = Number(values['gif-fps']), gifTimes = values['no-gif'] ? [] : Array.from({ length: Math.floor(duration * gifFps) }, (_, k) => k / gifFps);
const times = [...sheetTimes, ...gifTimes];
const simOptions = values.bend ? { materials: { cloth: { bendCompliance: Number(values.bend) } } } : {};
const sim = (surface: ReturnType<typeof skirtSurface> | undefined) => (surface ? simulateCloth(prepareCloth(surface, s.model, s.shape, simOptions), { poseAt, duration, times }) : undefined);
const skirt = sim(s.skirt ? skirtSurface(s) : undefined), hair = sim(s.hair ? hairSurface(s) : undefined);
console.log(`subject ${s.spec.id} ${values.motion}: skirt ${skirt ? `${skirt.freeParticles} free, ${skirt.milliseconds.toFixed(0)} ms` : '-'}; hair ${hair ? `${hair.freeParticles} free, ${hair.milliseconds.toFixed(0)} ms` : '-'}`);

const posedAt = (k: number, mode: 'skinned' | 'simulated' | 'truth') => {
  const p = s.pose(poseAt(times[k]!), { deform: mode === 'truth' });
  if (mode === 'simulated') {
    if (skirt) p.skirt = Float64Array.from(skirt.frames[k]!);
    if (hair) p.hair = Float64Array.from(hair.frames[k]!);
  }
  return p;
};
// One camera per time, framing the posed subject (the walk travels), 25° off the front to show the swing.
const cameraAt = (k: number) => s.frameCamera(posedAt(k, 'truth'), { width: Number(values.width), height: Math.round(Number(values.width) * 1.5), yawDeg: Number(values.yaw), fill: 0.8 });
const camera = cameraAt(0);
const render = (k: number, mode: 'skinned' | 'simulated' | 'truth'): FloatImage => s.render(posedAt(k, mode), cameraAt(k), { supersample: 2 }).image;

const images: FloatImage[] = [], labels: string[] = [];
for (const mode of ['skinned', 'simulated', 'truth'] as const)
  for (let k = 0; k < nSheet; k++) { images.push(render(k, mode)); labels.push(`${mode} ${times[k]!.toFixed(1)}s`); }
mkdirSync(values.out!, { recursive: true });
const sheetPath = join(values.out!, `sim-subject${s.spec.id}-${values.motion}.png`);
await writePng(sheetPath, contactSheet(images, { labels, columns: nSheet, labelScale: 1 }));
console.log(`wrote ${sheetPath}`);

if (values['no-gif']) process.exit(0);
const gifPath = values.gif ?? join(values.out!, `sim-subject${s.spec.id}-${values.motion}.gif`);
const W = camera.width * 2, H = camera.height;
const sink = await openSink(gifPath, { width: W, height: H, fps: gifFps, transparent: false });
for (let g = 0; g < gifTimes.length; g++) {
  const k = nSheet + g, a = render(k, 'skinned'), b = render(k, 'simulated');
  const frame = createImage(W, H, 3);
  for (let y = 0; y < H; y++) {
    frame.data.set(a.data.subarray(y * camera.width * 3, (y + 1) * camera.width * 3), y * W * 3);
    frame.data.set(b.data.subarray(y * camera.width * 3, (y + 1) * camera.width * 3), (y * W + camera.width) * 3);
  }
  await sink.add(frame);
}
await sink.finish();
console.log(`wrote ${gifPath} (left: skinned, right: simulated)`);
