/**
 * Fit only, on already-perceived real subjects (issue #19 "Dynamic poses"): runs `fitImage` on each subject
 * folder's cached perception (no stage records written), prints keypoint px and IoU per photo, and writes an
 * overlay per photo with the perceived keypoints (green) joined to the fitted ones (red).
 * Run: node dist/scripts/fit-real.js [--root /tmp/persona-real-shape] [--out /tmp/fitdyn/<label>] [--only a,b] [--json f]
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadBodyModel } from '../src/body/model.js';
import { BodyPoser } from '../src/body/index.js';
import { readImage, writePng, type FloatImage } from '../src/core/image.js';
import { readPerception } from '../src/perceive/stage.js';
import { fitImage, bodyAnchors, fitTargetOf } from '../src/fit/fitImage.js';
import { dataEnergy } from '../src/fit/energy.js';
import { worldDirectionTerm, WORLD_LIMBS_WITH_TORSO } from '../src/fit/worldDirection.js';
import { fitOverlay } from '../src/fit/stage.js';
import { cameraFromJson, fitPose } from '../src/fit/types.js';
import { FIT_CONFIG } from '../src/fit/config.js';

const args = process.argv.slice(2);
const arg = (n: string): string | undefined => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : undefined; };
const root = arg('root') ?? '/tmp/persona-real-shape';
const out = arg('out') ?? '/tmp/fitdyn/latest';
const only = arg('only')?.split(',');
mkdirSync(out, { recursive: true });
// --set weights.worldDirections=0,stages.pose=300: experiments on the constants (FIT_CONFIG is a plain object)
for (const kv of (arg('set') ?? '').split(',').filter((x) => x)) {
  const [path, value] = kv.split('=') as [string, string];
  const keys = path.split('.');
  let o = FIT_CONFIG as unknown as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[keys.at(-1)!] = value === 'true' ? true : value === 'false' ? false : Number(value);
}
const body = loadBodyModel();
const anchors = bodyAnchors(body);
const rows: Array<Record<string, unknown>> = [];

function dot(img: FloatImage, x: number, y: number, r: number, col: number[]): void {
  for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
    const xi = Math.round(x + dx), yi = Math.round(y + dy);
    if (xi < 0 || yi < 0 || xi >= img.width || yi >= img.height || dx * dx + dy * dy > r * r) continue;
    for (let c = 0; c < 3; c++) img.data[(yi * img.width + xi) * img.channels + c] = col[c]!;
  }
}

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!existsSync(join(dir, 'perception/keypoints.json'))) continue;
  if (only && !only.includes(name)) continue;
  const p = await readPerception(dir);
  const t0 = performance.now();
  const fit = fitImage(p, body, {});
  const seconds = (performance.now() - t0) / 1000;
  const r = fit.residuals;
  const worst = Object.entries(r.perKeypointPx ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
  console.log(`${name.padEnd(22)} kp ${r.keypointPx.toFixed(2).padStart(6)} px  IoU ${r.silhouetteIoU.toFixed(3)}  ${seconds.toFixed(1)} s  ${fit.poseStart?.used ?? ''} ${JSON.stringify(fit.poseStart?.energies ?? {})}  worst: ${worst}`);
  rows.push({ name, keypointPx: +r.keypointPx.toFixed(2), iou: +r.silhouetteIoU.toFixed(3), seconds: +seconds.toFixed(1), poseStart: fit.poseStart, perKeypointPx: r.perKeypointPx, shape: fit.shape, pose: fit.pose });
  // overlay with keypoints
  const photo = await readImage(join(dir, 'input/image.png'), 3);
  const cam = cameraFromJson(fit.camera);
  const posed = new BodyPoser(body).forward({ shape: fit.shape, pose: fitPose(fit) });
  const gv = new Float64Array(posed.vertices.length), gj = new Float64Array(posed.joints.length);
  const e = dataEnergy(cam, anchors, posed.vertices, posed.joints, fitTargetOf(p, true), gv, gj, { silhouette: true });
  const wt = worldDirectionTerm(p, anchors, FIT_CONFIG.weights.worldDirections, WORLD_LIMBS_WITH_TORSO)?.(posed.vertices, posed.joints, gv, gj) ?? 0;
  console.log(`${''.padEnd(22)} E kp ${e.keypoints.toFixed(4)} silOut ${e.silhouetteOut!.toFixed(4)} silIn ${e.silhouetteIn!.toFixed(4)} world ${wt.toFixed(4)} sum ${(e.total + wt).toFixed(4)}`);
  const sheetInput = photo;
  const over = fitOverlay(sheetInput, fit, body);
  // the overlay's first panel is the photo at full size, at the sheet's origin (contactSheet may pad: find offset 0)
  for (let k = 0; k < 33; k++) {
    const [x, y, c] = p.body.keypoints[k]!;
    if (c < 0.3) continue;
    const a = anchors[k]!;
    const src = a.kind === 'joint' ? posed.joints : posed.vertices;
    const X = src[a.index * 3]!, Y = src[a.index * 3 + 1]!, Z = src[a.index * 3 + 2]!;
    const R = cam.R, t = cam.t;
    const zc = R[6]! * X + R[7]! * Y + R[8]! * Z + t[2]!;
    const u = (cam.fx * (R[0]! * X + R[1]! * Y + R[2]! * Z + t[0]!)) / zc + cam.cx;
    const v = (cam.fy * (R[3]! * X + R[4]! * Y + R[5]! * Z + t[1]!)) / zc + cam.cy;
    const n = Math.ceil(Math.hypot(u - x, v - y));
    for (let s = 0; s <= n; s++) dot(over, x + ((u - x) * s) / Math.max(1, n), y + ((v - y) * s) / Math.max(1, n), 1, [1, 1, 0]);
    dot(over, x, y, 5, [0, 1, 0]);
    dot(over, u, v, 5, [1, 0, 0]);
  }
  await writePng(join(out, `${name}.png`), over);
}
const mean = (k: string) => rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length;
console.log(`mean kp ${mean('keypointPx').toFixed(2)} px, IoU ${mean('iou').toFixed(3)}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
writeFileSync(arg('json') ?? join(out, 'fit-real.json'), JSON.stringify({ load: loadavg(), rows }, null, 1));
