/**
 * A tiny synthetic subject for training tests: the default body model with a procedural UV texture,
 * rendered as ground truth with the mesh rasterizer at a few poses.
 */
import { lookAtCamera, type Camera } from '../../src/core/camera.js';
import { createImage, type FloatImage } from '../../src/core/image.js';
import { loadBodyModel } from '../../src/body/model.js';
import { BodyPoser } from '../../src/body/skinning.js';
import type { BodyPose } from '../../src/body/types.js';
import { renderTextured } from '../../src/render/index.js';
import { renderGeometryTargets } from '../../src/train/targets.js';
import { partBoundary } from '../../src/train/boundary.js';
import { trainConfig } from '../../src/train/config.js';
import type { TrainingFrame } from '../../src/train/frame.js';

/** The paper's boundary settings (the config's `sampling`). */
const PAPER = trainConfig('standard');

/** A striped, two-tone UV texture. */
export function stripedTexture(size = 64): FloatImage {
  const img = createImage(size, size, 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const stripe = Math.floor(y / 4) % 2 === 0;
      img.data[i] = stripe ? 0.85 : 0.2;
      img.data[i + 1] = x < size / 2 ? 0.3 : 0.6;
      img.data[i + 2] = stripe ? 0.25 : 0.8;
    }
  return img;
}

/** A pose with the arms lowered by `armDeg` about Z (and a small elbow bend). */
export function armsPose(jointNames: string[], armDeg: number, elbowDeg = 0): BodyPose {
  const rot = new Float64Array(jointNames.length * 3);
  const set = (name: string, x: number, y: number, z: number) => {
    const j = jointNames.indexOf(name);
    if (j >= 0) rot.set([x, y, z], j * 3);
  };
  const a = (armDeg * Math.PI) / 180, e = (elbowDeg * Math.PI) / 180;
  set('upperarm_l', 0, 0, -a);
  set('upperarm_r', 0, 0, a);
  set('lowerarm_l', 0, -e, 0);
  set('lowerarm_r', 0, e, 0);
  return { rotations: rot, translation: [0, 0, 0] };
}

/** Renders a frame of the textured body. */
export function renderFrame(kind: 'photo' | 'generated', id: string, pose: BodyPose, camera: Camera, texture: FloatImage): TrainingFrame {
  const body = loadBodyModel();
  const posed = new BodyPoser(body).forward({ pose });
  const verts = Float32Array.from(posed.vertices);
  const render = renderTextured(verts, body.triangles, body.cornerUvs, texture, camera, { background: [1, 1, 1] });
  const targets = renderGeometryTargets(verts, body.triangles, body.partLabels, camera, render.alpha);
  const W = camera.width, H = camera.height;
  const frame: TrainingFrame = { kind, id, camera, pose, width: W, height: H, image: render.image.data, mask: render.alpha, targets };
  if (kind === 'photo') frame.boundary = partBoundary(targets.seg, W, H, 3, { threshold: PAPER.sampling.boundaryThreshold, kernel: { ratio: PAPER.sampling.boundaryKernelRatio, alpha: render.alpha } }).boundary;
  return frame;
}

/** The photo (front) and `n` generated frames from other views and arm poses. */
export function syntheticFrames(n: number, width = 48, height = 72): TrainingFrame[] {
  const body = loadBodyModel();
  const names = body.skeleton.names;
  const tex = stripedTexture();
  const cam = (angle: number): Camera => lookAtCamera([3 * Math.sin(angle), 0.1, 3 * Math.cos(angle)], [0, 0.05, 0], { width, height, fovYDeg: 40 });
  const frames = [renderFrame('photo', 'photo', armsPose(names, 0), cam(0), tex)];
  for (let i = 0; i < n; i++) frames.push(renderFrame('generated', `gen/${i}`, armsPose(names, 10 + 8 * i, 10 * i), cam(((i + 1) * 2 * Math.PI) / (n + 1)), tex));
  return frames;
}
