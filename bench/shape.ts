/**
 * Clothed-proxy benchmark on the six synthetic subjects: builds each subject's proxy from its photo (true
 * body, pose, camera and matte, so the figures measure the proxy, not the fit), and compares it with the
 * bare body it replaces, against the ground truth (body + skirt + hair):
 * - silhouette IoU against the photo's matte;
 * - novel-view silhouette IoU: the photo pose from the side and the back, and a held-out `walk` pose from the
 *   front and the side, both re-posed by skinning (the proxy) and rendered by the truth's own garments.
 * Writes bench/results/shape.json and a contact sheet per subject under --out (default /tmp/persona-bench-shape).
 * Run: npm run bench:shape [-- --subjects 2,4] [--set skirtRoundness=0.8]
 *      [--motions walk,dance --motion-poses 5]: instead of the one walk pose, 5 evenly spaced poses of each motion
 *      (front and side) — how skinning moves the proxy's garments against the truth's (docs/shape.md);
 *      [--sim]: also the proxy's loose cloth and hair simulated through each whole motion (src/sim, the builtin
 *      generator's `--cloth-dynamics`), its IoU beside the skinned proxy's (docs/sim.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { makeSubject } from '../src/bench/subjects.js';
import { createImage, writePng, type FloatImage } from '../src/core/image.js';
import type { Camera } from '../src/core/camera.js';
import { BodyPoser } from '../src/body/skinning.js';
import type { BodyPose } from '../src/body/types.js';
import { colorizeLabels, contactSheet, rasterizeMesh } from '../src/render/index.js';
import { buildClothedProxy, proxyOverlay, proxySilhouetteIoU, SHAPE_CONFIG } from '../src/shape/index.js';
import { placedMotion, proxySurface } from '../src/generate/builtin.js';
import { MATERIAL, poseCapsules, prepareCloth, segmentDistance, simulateCloth, type ClothSetup } from '../src/sim/index.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const ids = (arg('subjects') ?? '0,1,2,3,4,5').split(',').map(Number);
const outDir = arg('out') ?? '/tmp/persona-bench-shape';
const motions = (arg('motions') ?? 'walk').split(',');
const motionPoses = Number(arg('motion-poses') ?? 0);
const simulate = args.includes('--sim');
// --set name=value[,name=value] overrides numeric settings of SHAPE_CONFIG (for sweeps); --voxel X is --set voxelSize=X
const overrides = Object.fromEntries((arg('set') ?? '').split(',').filter(Boolean).map((kv) => {
  const [k, v] = kv.split('=');
  if (!(k! in SHAPE_CONFIG) || !Number.isFinite(Number(v))) throw new Error(`--set ${kv}: not a numeric shape setting`);
  return [k!, Number(v)];
}));
const config = { ...SHAPE_CONFIG, ...(arg('voxel') ? { voxelSize: Number(arg('voxel')) } : {}), ...overrides };
mkdirSync(outDir, { recursive: true });

function iou(a: Int32Array | Uint8Array, b: Uint8Array, isA: (x: number) => boolean): number {
  let i = 0, u = 0;
  for (let p = 0; p < b.length; p++) { const x = isA(a[p]!), y = b[p]! > 0; if (x && y) i++; if (x || y) u++; }
  return u ? i / u : 0;
}

const rows: Array<Record<string, unknown>> = [];
for (const id of ids) {
  const subject = makeSubject(id, { textureSize: 512 });
  const photo = subject.photo();
  const matte = createImage(photo.camera.width, photo.camera.height, 1);
  matte.data.set(photo.render.alpha);
  const t0 = performance.now();
  const proxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose: photo.posed.pose, camera: photo.camera, matte, config });
  const seconds = (performance.now() - t0) / 1000;
  const bodyPoser = new BodyPoser(subject.model), proxyPoser = new BodyPoser(proxy.model);
  const bodyRest = bodyPoser.rest(subject.shape), proxyRest = proxyPoser.rest([]);
  const bareIoU = iou(rasterizeMesh(Float32Array.from(photo.posed.body), subject.model.triangles, photo.camera, {}).triangleId, photo.render.mask, (t) => t >= 0);
  const views: Array<{ name: string; pose: BodyPose; yaw: number; simulated?: Float32Array }> = [];
  const clothSetup = simulate ? prepareCloth(proxySurface(proxy), subject.model, subject.shape) : undefined;
  views.push({ name: 'photo pose, side', pose: photo.posed.pose, yaw: 90 }, { name: 'photo pose, back', pose: photo.posed.pose, yaw: 180 });
  if (motionPoses > 0) {
    for (const name of motions) {
      const m = placedMotion(subject.model, subject.shape, photo.posed.pose, name);
      const times = Array.from({ length: motionPoses }, (_, k) => m.duration * (k + 0.5) / motionPoses);
      const frames = clothSetup ? simulateCloth(clothSetup, { poseAt: m.poseAt, duration: m.duration, times }).frames : undefined;
      if (clothSetup && frames) {
        // how far the solver moves the cloth, and how deep the posed leg and body capsules reach into the skinned cloth
        const dyn = times.map((time, k) => simulationReach(clothSetup, bodyPoser, subject.shape, proxyPoser, proxyRest, m.poseAt(time), frames[k]!));
        const maxOf = (f: (d: (typeof dyn)[number]) => number): string => (Math.max(...dyn.map(f)) * 100).toFixed(1);
        console.log(`  ${name}: simulated − skinned at most ${maxOf((d) => d.moved)} cm; skinned loose cloth inside the body's capsules at most ${maxOf((d) => d.depth)} cm deep, on at most ${Math.max(...dyn.map((d) => d.inside))} of ${dyn[0]!.loose} loose cloth vertices`);
      }
      times.forEach((time, k) => {
        const t = time / m.duration, pose = m.poseAt(time), simulated = frames?.[k];
        views.push({ name: `${name} ${t.toFixed(2)}, front`, pose, yaw: 0, simulated }, { name: `${name} ${t.toFixed(2)}, side`, pose, yaw: 90, simulated });
      });
    }
  } else {
    const walk = placedMotion(subject.model, subject.shape, photo.posed.pose, 'walk');
    const walkPose = walk.poseAt(walk.duration * 0.3);
    views.push({ name: 'walk, front', pose: walkPose, yaw: 0 }, { name: 'walk, side', pose: walkPose, yaw: 90 });
  }
  const novel: Array<{ view: string; proxy: number; bare: number; simulated?: number }> = [];
  const tiles: FloatImage[] = [];
  for (const v of views) {
    const posed = subject.pose(v.pose);
    const camera: Camera = subject.frameCamera(posed, { yawDeg: (subject.spec.photo.yawDeg ?? 0) + v.yaw, width: 256, height: 384 });
    const truth = subject.render(posed, camera, { supersample: 1 });
    const pr = rasterizeMesh(Float32Array.from(proxyPoser.forward({ pose: v.pose, rest: proxyRest }).vertices), proxy.model.triangles, camera, {});
    const br = rasterizeMesh(Float32Array.from(bodyPoser.forward({ pose: v.pose, rest: bodyRest }).vertices), subject.model.triangles, camera, {});
    const sr = v.simulated ? rasterizeMesh(v.simulated, proxy.model.triangles, camera, {}) : undefined;
    novel.push({ view: v.name, proxy: iou(pr.triangleId, truth.mask, (t) => t >= 0), bare: iou(br.triangleId, truth.mask, (t) => t >= 0), ...(sr ? { simulated: iou(sr.triangleId, truth.mask, (t) => t >= 0) } : {}) });
    tiles.push(truth.image, agreement(pr.triangleId, truth.mask, camera));
    if (clothSetup) tiles.push(agreement((sr ?? pr).triangleId, truth.mask, camera));
  }
  const photoIoU = proxySilhouetteIoU(proxy.posed, proxy.model.triangles, photo.camera, matte.data);
  const sheet = proxyOverlay(proxy, photo.render.image, matte, photo.camera, 384);
  await writePng(join(outDir, `subject-${id}.png`), sheet);
  await writePng(join(outDir, `subject-${id}-novel.png`), contactSheet(tiles, { columns: clothSetup ? 12 : 8, labels: views.flatMap((v) => clothSetup ? [v.name, 'skinned vs truth', 'simulated vs truth'] : [v.name, 'proxy vs truth']) }));
  const row = { id, name: subject.spec.name, seconds: +seconds.toFixed(2), photoIoU: +photoIoU.toFixed(4), bareBodyPhotoIoU: +bareIoU.toFixed(4), novel, ...proxy.stats };
  rows.push(row);
  const moving = novel.slice(2);
  const mean = (f: (n: (typeof novel)[number]) => number): string => (moving.reduce((a, n) => a + f(n), 0) / moving.length).toFixed(4);
  console.log(`subject ${id}: mean IoU of the ${moving.length} motion views: proxy ${mean((n) => n.proxy)}, bare ${mean((n) => n.bare)}${clothSetup ? `, simulated proxy ${mean((n) => n.simulated ?? NaN)}` : ''}`);
  for (const name of motions) {
    const of = moving.filter((n) => n.view.startsWith(`${name} `));
    if (of.length && clothSetup) console.log(`  ${name}: skinned ${(of.reduce((a, n) => a + n.proxy, 0) / of.length).toFixed(4)}, simulated ${(of.reduce((a, n) => a + (n.simulated ?? NaN), 0) / of.length).toFixed(4)}`);
  }
  console.log(`subject ${id} ${subject.spec.name}: proxy ${proxy.stats.vertices} vertices in ${seconds.toFixed(1)} s; photo IoU proxy ${photoIoU.toFixed(3)} (bare body ${bareIoU.toFixed(3)}); novel views ${novel.map((n) => `${n.view}: ${n.proxy.toFixed(3)} (bare ${n.bare.toFixed(3)})`).join(', ')}`);
}
const load = loadavg().map((x) => +x.toFixed(2));
console.log(`load average ${load.join(' ')}`);
mkdirSync('bench/results', { recursive: true });
// a sweep (overridden settings) writes beside its pictures, not over the recorded result
const jsonPath = Object.keys(overrides).length || arg('voxel') || motionPoses > 0 ? join(outDir, 'shape.json') : 'bench/results/shape.json';
writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), load, subjects: rows }, null, 2) + '\n');

/** At one pose: the largest distance of the simulated surface from the skinned one, and how many loose cloth vertices of the
 * skinned surface lie inside one of the body's capsules (and the deepest). */
function simulationReach(setup: ClothSetup, bodyPoser: BodyPoser, shape: ArrayLike<number>, proxyPoser: BodyPoser, proxyRest: ReturnType<BodyPoser['rest']>, pose: BodyPose, simulated: Float32Array): { moved: number; depth: number; inside: number; loose: number } {
  const skinned = proxyPoser.forward({ pose, rest: proxyRest }).vertices;
  const caps = setup.capsules, C = caps.joints.length, ends = new Float64Array(C * 6), scratch = new Float64Array(3);
  poseCapsules(caps, bodyPoser.forward({ shape, pose }).skinTransforms, pose.translation, ends);
  let moved = 0, depth = 0, inside = 0, loose = 0;
  for (let v = 0; v < skinned.length / 3; v++) {
    const x = skinned[v * 3]!, y = skinned[v * 3 + 1]!, z = skinned[v * 3 + 2]!;
    moved = Math.max(moved, Math.hypot(simulated[v * 3]! - x, simulated[v * 3 + 1]! - y, simulated[v * 3 + 2]! - z));
    if (setup.surface.material[v] !== MATERIAL.cloth || !(setup.surface.freedom[v]! > 0)) continue;
    loose++;
    let d = 0;
    for (let c = 0; c < C; c++) d = Math.min(d, segmentDistance(x, y, z, ends, c * 6, scratch) - caps.radii[c]!);
    if (d < 0) { inside++; depth = Math.max(depth, -d); }
  }
  return { moved, depth, inside, loose };
}

/** Truth | proxy silhouette agreement as a picture: white both, red truth only, blue proxy only. */
function agreement(triangleId: Int32Array, truthMask: Uint8Array, camera: Camera): FloatImage {
  const lab = new Int16Array(truthMask.length);
  for (let p = 0; p < lab.length; p++) { const a = triangleId[p]! >= 0, b = truthMask[p]! > 0; lab[p] = a && b ? 7 : b ? 0 : a ? 2 : -1; }
  return colorizeLabels(lab, camera.width, camera.height);
}
