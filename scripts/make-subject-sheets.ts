/**
 * Documentation images of the synthetic subjects: docs/images/synthetic-subjects.png (the six
 * subjects in their photo poses, front view) and docs/images/garment-deformation.png (loose
 * garments in several poses, LBS only vs. with the pose-dependent deformation), plus a ground
 * truth sheet (image, mask, parts, materials, depth, normals) and a generated clip with simulated
 * diffusion artefacts. Run: npm run make:subject-sheets
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createImage, writePng, type FloatImage } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { listSubjects, makeSubject, type PoseRecipe } from '../src/bench/subjects.js';
import { contactSheet } from '../src/render/sheet.js';
import { colorizeLabels } from '../src/render/shade.js';
import { drawSkeleton } from '../src/render/draw.js';
import { renderSyntheticClip } from '../src/bench/generated.js';

const dir = join(packageRoot(), 'docs', 'images');
mkdirSync(dir, { recursive: true });

const photos: FloatImage[] = [], labels: string[] = [];
for (const { id, name } of listSubjects()) {
  const s = makeSubject(id);
  photos.push(s.photo({ supersample: 3 }).render.image);
  labels.push(`${id} ${name}`);
}
await writePng(join(dir, 'synthetic-subjects.png'), contactSheet(photos, { labels, columns: 6, cellWidth: 256, cellHeight: 384 }));

const poses: Array<[string, PoseRecipe]> = [
  ['step', { aims: [['thigh_l', 'calf_l', [0.1, -1, 0.6]], ['calf_l', 'foot_l', [0.1, -1, 0.2]], ['thigh_r', 'calf_r', [-0.1, -1, -0.3]], ['calf_r', 'foot_r', [-0.1, -1, -0.4]]] }],
  ['kick', { aims: [['thigh_l', 'calf_l', [0.2, -0.3, 1]], ['calf_l', 'foot_l', [0.2, -0.6, 1]], ['upperarm_l', 'lowerarm_l', [0.9, 0.2, 0]], ['upperarm_r', 'lowerarm_r', [-0.9, 0.2, 0]]] }],
  ['arms up', { aims: [['upperarm_l', 'lowerarm_l', [0.6, 0.8, 0]], ['lowerarm_l', 'hand_l', [0.3, 1, 0]], ['upperarm_r', 'lowerarm_r', [-0.95, 0.2, 0.1]], ['lowerarm_r', 'hand_r', [-1, 0.1, 0.1]], ['thigh_l', 'calf_l', [0.45, -1, 0]], ['thigh_r', 'calf_r', [-0.45, -1, 0]]] }],
  ['bend', { rotations: [['pelvis', [35, 0, 0]], ['spine_02', [10, 0, 0]]], aims: [['thigh_l', 'calf_l', [0.1, -1, 0.1]], ['thigh_r', 'calf_r', [-0.1, -1, 0.1]]] }],
];
const cells: FloatImage[] = [], cellLabels: string[] = [];
for (const id of [2, 3]) {
  const s = makeSubject(id);
  for (const [name, recipe] of poses) {
    for (const deform of [false, true]) {
      const posed = s.pose(s.poseFromRecipe(recipe), { deform });
      const cam = s.frameCamera(posed, { width: 256, height: 384, yawDeg: 35 });
      cells.push(s.render(posed, cam, { supersample: 2 }).image);
      cellLabels.push(`${s.spec.name} ${name} ${deform ? 'deformed' : 'lbs'}`);
    }
  }
}
await writePng(join(dir, 'garment-deformation.png'), contactSheet(cells, { labels: cellLabels, columns: 8, cellWidth: 192, cellHeight: 288, labelScale: 1 }));

// Ground truth of one photo.
const s = makeSubject(4);
const { render, camera } = s.photo({ supersample: 2 });
const W = camera.width, H = camera.height;
const mask = createImage(W, H, 1); render.mask.forEach((m, i) => { mask.data[i] = m; });
let dmin = Infinity, dmax = 0;
render.depth.forEach((d) => { if (Number.isFinite(d)) { dmin = Math.min(dmin, d); dmax = Math.max(dmax, d); } });
const depth = createImage(W, H, 1, 1);
render.depth.forEach((d, i) => { if (Number.isFinite(d)) depth.data[i] = 0.1 + 0.8 * (d - dmin) / Math.max(1e-6, dmax - dmin); });
const normals = createImage(W, H, 3, 1);
for (let i = 0; i < W * H; i++) if (render.mask[i]) for (let c = 0; c < 3; c++) normals.data[i * 3 + c] = 0.5 - 0.5 * render.normals.data[i * 3 + c]! * (c === 0 ? -1 : 1);
const joints = createImage(W, H, 3); joints.data.set(render.image.data);
const parents = s.model.skeleton.parents;
const edges: Array<[number, number]> = [];
parents.forEach((p, j) => { if (p >= 0 && !/^(index|middle|ring|pinky|thumb)/.test(s.model.skeleton.names[j]!)) edges.push([p, j]); });
drawSkeleton(joints, render.joints2d, edges, { width: 2, radius: 3 });
await writePng(join(dir, 'synthetic-ground-truth.png'), contactSheet(
  [render.image, mask, colorizeLabels(render.partLabels, W, H), colorizeLabels(render.materialLabels, W, H), depth, normals, joints],
  { labels: ['image', 'mask', 'parts', 'materials', 'depth', 'normals', 'joints'], columns: 7, cellWidth: 256, cellHeight: 384 },
));
// A generated clip with simulated diffusion artefacts (top) and its ground truth (bottom).
const clip = renderSyntheticClip(makeSubject(0), { motion: 'dance', frames: 6, width: 256, height: 384, seed: 1 });
await writePng(join(dir, 'synthetic-generated.png'), contactSheet(
  [...clip.frames.map((f) => f.image), ...clip.frames.map((f) => f.truth!.image)],
  { columns: 6, labels: [...clip.frames.map((f) => `generated t ${f.time.toFixed(1)}`), ...clip.frames.map(() => 'truth')], labelScale: 1 },
));
console.log(`wrote ${dir}/synthetic-subjects.png, garment-deformation.png, synthetic-ground-truth.png, synthetic-generated.png`);
