/**
 * Issue #25 check: a synthetic subject photographed with an expression yields a neutral canonical face.
 * `node dist/scripts/neutral-face-check.js [--subject 0] [--expression smile] [--weight 1] [--quality test] [--out DIR]`
 * creates three avatars of the subject: from its neutral photo, from its expressive photo as Persona does it (the
 * fit's expression applied to the photo view), and from the expressive photo with the expression taken out of
 * fit/body.json (a control: the behaviour before). Each texture is then unwrapped again at 1024² and the mouth
 * corners read off it (the ends of the lip-coloured texels, placed on the subject's fitted body at rest): where the
 * canonical avatar has its lips. Prints and writes bench/results/neutral-face-<subject>-<expression>.json with the
 * corners' distance from the neutral photo's, and a contact sheet of the three avatars' faces at rest, neutral
 * and with the expression.
 */
import { mkdir, readFile, writeFile, cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { create } from '../src/pipeline/create.js';
import { runTextureStage } from '../src/texture/stage.js';
import { writePng, type FloatImage } from '../src/core/image.js';
import { loadAvatar } from '../src/avatar/bundle.js';
import { resolveExpression } from '../src/avatar/expression.js';
import { AvatarRenderer } from '../src/animate/renderer.js';
import { restPose } from '../src/export/cloud.js';
import { lookAtCamera } from '../src/core/camera.js';
import { PART_INDEX } from '../src/body/index.js';
import { contactSheet } from '../src/render/sheet.js';
import { makeSubject } from '../src/bench/subjects.js';
import { expressivePhoto, mouthCornerDistance, subjectMouthCorners } from '../src/bench/expressionPhoto.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const id = Number(arg('subject', '0')), expr = arg('expression', 'smile'), weight = Number(arg('weight', '1'));
const quality = arg('quality', 'test') as 'test';
const out = arg('out', `/tmp/persona-neutral-face-${id}-${expr}`);
const TEXTURE_SIZE = 1024;
const s = makeSubject(id);
const { lips, skin } = s.spec.appearance;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const runs = { neutral: join(out, 'neutral'), fixed: join(out, 'fixed'), control: join(out, 'control') };
const seconds: Record<string, number> = {};
for (const [name, w] of [['neutral', 0], ['fixed', weight]] as const) {
  const photo = join(out, `${name}.png`);
  await writePng(photo, expressivePhoto(id, expr, w));
  const t0 = performance.now();
  await create(photo, runs[name], { quality, seed: 0, noPreview: true });
  seconds[name] = (performance.now() - t0) / 1000;
}
// the control: the expressive photo's folder with the expression taken out of the fit (the behaviour before issue #25)
await cp(runs.fixed, runs.control, { recursive: true });
const fitPath = join(runs.control, 'fit/body.json');
const fit = JSON.parse(await readFile(fitPath, 'utf8'));
const jawJoint = s.model.skeleton.names.indexOf('jaw');
if (fit.photoExpression?.jaw) fit.pose.rotations[jawJoint * 3] -= fit.photoExpression.jaw;
fit.expression = [];
await writeFile(fitPath, JSON.stringify(fit, null, 2));
await create(join(out, 'fixed.png'), runs.control, { quality, seed: 0, noPreview: true });

const corners: Record<string, Awaited<ReturnType<typeof subjectMouthCorners>>> = {};
for (const [name, dir] of Object.entries(runs)) {
  await runTextureStage(dir, { size: TEXTURE_SIZE, force: true });
  corners[name] = await subjectMouthCorners(dir, lips, skin);
}
const mm = (x: number) => Number((x * 1000).toFixed(2));
const table = Object.fromEntries(Object.entries(corners).map(([k, c]) => [k, { lipTexels: c.texels, cornerShiftFromNeutralPhotoMm: mm(mouthCornerDistance(c, corners.neutral!)), mouthWidthMm: mm(Math.hypot(c.left[0] - c.right[0], c.left[1] - c.right[1], c.left[2] - c.right[2])) }]));
const photoExpression = JSON.parse(await readFile(join(runs.fixed, 'fit/body.json'), 'utf8')).photoExpression;
const report = { subject: id, expression: expr, weight, quality, textureSize: TEXTURE_SIZE, photoExpression, table, createSeconds: seconds, loadavg: loadavg() };
console.log(JSON.stringify(report, null, 2));
await mkdir('bench/results', { recursive: true });
await writeFile(`bench/results/neutral-face-${id}-${expr}.json`, JSON.stringify(report, null, 2) + '\n');

// faces at rest, neutral and with the expression, front view
const images: FloatImage[] = [], labels: string[] = [];
for (const [name, dir] of Object.entries(runs)) {
  const avatar = await loadAvatar(join(dir, 'avatar'));
  const r = new AvatarRenderer(avatar);
  const P = r.pose(restPose(avatar)), parts = avatar.buffers.parts as Uint8Array;
  let n = 0; const c = [0, 0, 0];
  for (let i = 0; i < parts.length; i++) if (parts[i] === PART_INDEX.face) { n++; for (let k = 0; k < 3; k++) c[k] += P[i * 3 + k]!; }
  const centre: [number, number, number] = [c[0]! / n, c[1]! / n, c[2]! / n];
  const camera = lookAtCamera([centre[0], centre[1], centre[2] + 0.75], centre, { width: 256, height: 256, fovYDeg: 22 });
  for (const e of ['neutral', expr]) {
    const x = resolveExpression(avatar, e);
    const pose = restPose(avatar);
    pose.expression = x.weights;
    if (jawJoint >= 0) pose.rotations[jawJoint * 3] = x.jaw;
    images.push(r.render(pose, camera, [1, 1, 1]));
    labels.push(`${name} photo: ${e}`);
  }
}
await writePng(join(out, 'sheet.png'), contactSheet(images, { columns: 6, labels, background: [1, 1, 1] }));
console.log(`sheet: ${join(out, 'sheet.png')}`);
