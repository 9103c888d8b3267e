/** Synthetic perception results with known ground truth (shape, pose, camera) for fitting tests. */
import type { Camera } from '../../src/core/camera.js';
import { createImage } from '../../src/core/image.js';
import { loadBodyModel, semanticShape } from '../../src/body/model.js';
import { BodyPoser } from '../../src/body/skinning.js';
import type { BodyPose } from '../../src/body/types.js';
import { rasterizeMesh } from '../../src/render/index.js';
import { bodyAnchors, defaultCamera } from '../../src/fit/fitImage.js';
import type { Perception } from '../../src/perceive/types.js';

export interface SyntheticCase {
  perception: Perception;
  shape: Float64Array;
  pose: BodyPose;
  camera: Camera;
  vertices: Float64Array;
  joints: Float64Array;
}

/** Per-joint axis-angle (degrees) by joint name. */
export function poseFrom(names: string[], degrees: Record<string, [number, number, number]>, translation: [number, number, number]): BodyPose {
  const rot = new Float64Array(names.length * 3);
  for (const [n, v] of Object.entries(degrees)) {
    const j = names.indexOf(n);
    if (j < 0) throw new Error(`no joint ${n}`);
    rot.set(v.map((d) => (d * Math.PI) / 180), j * 3);
  }
  return { rotations: rot, translation };
}

/** Renders ground truth and builds the perception a perfect detector would report. */
export function syntheticCase(pose: BodyPose, phenotype: Record<string, number>, width = 480, height = 720): SyntheticCase {
  const body = loadBodyModel();
  const shape = semanticShape(phenotype, body);
  const camera = defaultCamera(width, height);
  const posed = new BodyPoser(body).forward({ shape, pose });
  const anchors = bodyAnchors(body);
  const R = camera.R;
  const cam3 = (x: number, y: number, z: number) => [R[0]! * x + R[1]! * y + R[2]! * z, R[3]! * x + R[4]! * y + R[5]! * z, R[6]! * x + R[7]! * y + R[8]! * z];
  const kps: Array<[number, number, number]> = [];
  const world: Array<[number, number, number]> = [];
  const pts = anchors.map((a) => { const s = a.kind === 'joint' ? posed.joints : posed.vertices; return [s[a.index * 3]!, s[a.index * 3 + 1]!, s[a.index * 3 + 2]!]; });
  const hipMid = cam3(...([0, 1, 2].map((c) => (pts[23]![c]! + pts[24]![c]!) / 2) as [number, number, number]));
  for (const p of pts) {
    const c = cam3(p[0]!, p[1]!, p[2]!);
    kps.push([(camera.fx * c[0]!) / c[2]! + camera.cx, (camera.fy * c[1]!) / c[2]! + camera.cy, 0.95]);
    world.push([c[0]! - hipMid[0]!, c[1]! - hipMid[1]!, c[2]! - hipMid[2]!]);
  }
  const raster = rasterizeMesh(Float32Array.from(posed.vertices), body.triangles, camera);
  const mask = createImage(width, height, 1);
  let x0 = width, y0 = height, x1 = 0, y1 = 0;
  for (let i = 0; i < width * height; i++) if (raster.triangleId[i]! >= 0) {
    mask.data[i] = 1;
    const x = i % width, y = Math.floor(i / width);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const perception = {
    format: 'persona-perception', formatVersion: 1, image: { width, height }, models: {},
    person: { index: 0, peopleFound: 1, box: [x0, y0, x1, y1], heightPx: y1 - y0, headVisible: true, feetVisible: true, fullBodyVisible: true, truncated: { top: false, bottom: false, left: false, right: false }, facing: 'front', facingYawDeg: 0, warnings: [] },
    people: [], crop: [0, 0, width, height],
    body: { score: 1, keypoints: kps, world },
    hands: { left: null, right: null }, face: null, matte: null, timings: {}, mask,
  } as unknown as Perception;
  return { perception, shape, pose, camera, vertices: posed.vertices, joints: posed.joints };
}
