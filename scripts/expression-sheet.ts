/**
 * Contact sheet of an avatar with each named expression (src/body/expressions.ts), front and three-quarter
 * close-ups of the head: `node dist/scripts/expression-sheet.js <subject-or-avatar-dir> [out.png]`
 * (default docs/images/expressions-avatar.png). An avatar bundled before expressions existed gets the basis
 * of its body (its subject's clothed proxy when it has one) in memory; the bundle on disk is not changed.
 */
import { writePng } from '../src/core/image.js';
import { loadAvatar } from '../src/avatar/bundle.js';
import { attachExpressionBasis } from '../src/avatar/attachExpression.js';
import { hasExpression, listNamedExpressions, resolveExpression } from '../src/avatar/expression.js';
import { loadBodyModel } from '../src/body/model.js';
import { PART_INDEX } from '../src/body/types.js';
import { loadSubjectProxy, proxyWithExpression } from '../src/shape/index.js';
import { AvatarRenderer } from '../src/animate/renderer.js';
import { lookAtCamera } from '../src/core/camera.js';
import { contactSheet } from '../src/render/sheet.js';
import { restPose } from '../src/export/cloud.js';

const dir = process.argv[2]!;
const out = process.argv[3] ?? 'docs/images/expressions-avatar.png';
const SIZE = 256;
let avatar = await loadAvatar(dir);
if (!hasExpression(avatar)) {
  const body = loadBodyModel();
  const clothed = avatar.header.body.kind === 'proxy' ? loadSubjectProxy(dir) : undefined;
  avatar = attachExpressionBasis(avatar, clothed ? proxyWithExpression(clothed.proxy, body) : body);
  console.log(`attached the ${avatar.header.expression?.names.length}-unit basis (${(avatar.buffers.expressionGaussians as Uint32Array).length} Gaussians) in memory`);
}
const renderer = new AvatarRenderer(avatar);
const jaw = avatar.header.skeleton.names.indexOf('jaw');
// frame: the face and eye Gaussians at rest
renderer.pose(restPose(avatar));
const P = renderer.posedMeans, parts = avatar.buffers.parts as Uint8Array;
const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
for (let i = 0; i < parts.length; i++) {
  if (parts[i] !== PART_INDEX.face && parts[i] !== PART_INDEX.eyes) continue;
  for (let c = 0; c < 3; c++) { lo[c] = Math.min(lo[c]!, P[i * 3 + c]!); hi[c] = Math.max(hi[c]!, P[i * 3 + c]!); }
}
const centre: [number, number, number] = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2 - 0.01, (lo[2]! + hi[2]!) / 2 - 0.03];
const dist = 0.75;
const images = [], labels: string[] = [];
for (const name of listNamedExpressions()) {
  const e = resolveExpression(avatar, name);
  const pose = restPose(avatar);
  pose.expression = e.weights;
  if (jaw >= 0) pose.rotations[jaw * 3] = e.jaw;
  for (const yaw of [0, 0.6]) { // front, and three-quarter from the avatar's left
    const eye: [number, number, number] = [centre[0] + dist * Math.sin(yaw), centre[1] + 0.02, centre[2] + dist * Math.cos(yaw)];
    images.push(renderer.render(pose, lookAtCamera(eye, centre, { width: SIZE, height: SIZE, fovYDeg: 22 }), [1, 1, 1]));
    labels.push(`${name}${yaw ? ' 3/4' : ''}`);
  }
}
await writePng(out, contactSheet(images, { columns: 8, labels, background: [1, 1, 1] }));
console.log(out);
