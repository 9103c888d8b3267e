/**
 * The face crop pass: a face found on a whole frame is small (a full-body frame gives the face mesh ~50 px of
 * face, the eyes ~10 px), and the first pass's crop comes from the face detector's coarse box. From that first
 * mesh, this pass makes the crop MediaPipe's face-landmark graph makes from a previous frame's landmarks (a square
 * FACE_REFINE.faceScale × the landmarks' extent, rotated so that the eye line is level), runs the face mesh model on
 * it, then the iris model on each eye (the person's left eye mirrored, as the model expects), and maps every point
 * back to frame pixels. The iris model's lid contours replace the mesh's (they follow a blink more closely) and
 * its iris points are appended (468 + 5 left + 5 right, the Human library's order).
 *
 * A face the detector misses (turned down or aside) is looked for where the body's face keypoints put it
 * (faceFromBody): the face mesh model on that crop, then the same pass from the mesh it finds.
 */
import type { FloatImage } from '../core/image.js';
import { FACE_REFINE, IRIS_TO_MESH } from './config.js';
import { BODY_INDEX, FACE_LANDMARKS, FACE_MESH_POINTS, type BodyKeypointName } from './names.js';
import { cropToImage, sampleRoi, type SquareRoi } from './roi.js';
import { type Tf, tf } from './tfenv.js';
import type { Box, FaceResult } from './types.js';

type P3 = [number, number, number];

/** The face-mesh and iris graph models the pass runs (MODELS.faceMesh, MODELS.iris). */
export interface FaceCropModels {
  mesh: Tf;
  iris: Tf;
}

/**
 * The face crop from a face mesh: x along the eye line (the person's right outer eye corner → left outer eye
 * corner), y perpendicular and down in the image, centred on the landmarks' extent in those axes, side
 * FACE_REFINE.faceScale × the longer extent. Null for a degenerate mesh.
 */
export function faceRoi(mesh: ReadonlyArray<readonly number[]>): SquareRoi | null {
  const a = mesh[FACE_LANDMARKS.rightEyeOuter]!, b = mesh[FACE_LANDMARKS.leftEyeOuter]!;
  const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
  if (!(len > 0)) return null;
  const ex: [number, number] = [(b[0]! - a[0]!) / len, (b[1]! - a[1]!) / len];
  const ey: [number, number] = [-ex[1], ex[0]];
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let i = 0; i < Math.min(mesh.length, FACE_MESH_POINTS); i++) {
    const p = mesh[i]!;
    const u = p[0]! * ex[0] + p[1]! * ex[1], v = p[0]! * ey[0] + p[1]! * ey[1];
    u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
  }
  const uc = (u0 + u1) / 2, vc = (v0 + v1) / 2;
  return { cx: uc * ex[0] + vc * ey[0], cy: uc * ex[1] + vc * ey[1], size: FACE_REFINE.faceScale * Math.max(u1 - u0, v1 - v0), ex, ey };
}

/** BlazePose's keypoints on the face: what places the face crop when the face detector found none. */
const BODY_FACE_KEYPOINTS: readonly BodyKeypointName[] = [
  'nose', 'leftEyeInner', 'leftEye', 'leftEyeOuter', 'rightEyeInner', 'rightEye', 'rightEyeOuter', 'leftEar', 'rightEar', 'mouthLeft', 'mouthRight',
];

/**
 * The face crop from the body's keypoints, for a face the face detector missed (a face turned down or aside): x
 * along the eye line (the person's right eye → left eye), centred on the extent of BlazePose's face keypoints seen
 * above `minScore` in that frame, side FACE_REFINE.bodyFaceScale × the longer extent — MediaPipe Holistic places its
 * face crop from the pose's face landmarks alike. Null when the eyes or the nose are not seen.
 */
export function faceRoiFromBody(keypoints: ReadonlyArray<readonly number[]>, minScore: number): SquareRoi | null {
  const at = (n: BodyKeypointName): readonly number[] | null => {
    const k = keypoints[BODY_INDEX[n]];
    return k && k[2]! >= minScore ? k : null;
  };
  const r = at('rightEye'), l = at('leftEye');
  if (!r || !l || !at('nose')) return null;
  const len = Math.hypot(l[0]! - r[0]!, l[1]! - r[1]!);
  if (!(len > 0)) return null;
  const ex: [number, number] = [(l[0]! - r[0]!) / len, (l[1]! - r[1]!) / len];
  const ey: [number, number] = [-ex[1], ex[0]];
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (const n of BODY_FACE_KEYPOINTS) {
    const p = at(n);
    if (!p) continue;
    const u = p[0]! * ex[0] + p[1]! * ex[1], v = p[0]! * ey[0] + p[1]! * ey[1];
    u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v);
  }
  const uc = (u0 + u1) / 2, vc = (v0 + v1) / 2;
  return { cx: uc * ex[0] + vc * ey[0], cy: uc * ex[1] + vc * ey[1], size: FACE_REFINE.bodyFaceScale * Math.max(u1 - u0, v1 - v0), ex, ey };
}

/**
 * An eye crop: centred between the eye corners, side FACE_REFINE.eyeScale × their distance, x from the outer
 * corner to the inner one. The person's right eye (outer corner on the image's left) comes out upright; the left
 * eye's x axis points the other way with y still down, so its crop is mirrored (determinant −1), which is how the
 * iris model wants it. Null when the corners coincide.
 */
export function eyeRoi(outer: readonly number[], inner: readonly number[], mirrored: boolean): SquareRoi | null {
  const dx = inner[0]! - outer[0]!, dy = inner[1]! - outer[1]!;
  const len = Math.hypot(dx, dy);
  if (!(len > 0)) return null;
  const ex: [number, number] = [dx / len, dy / len];
  const ey: [number, number] = mirrored ? [ex[1], -ex[0]] : [-ex[1], ex[0]];
  return { cx: (outer[0]! + inner[0]!) / 2, cy: (outer[1]! + inner[1]!) / 2, size: FACE_REFINE.eyeScale * len, ex, ey };
}

/** Model output points (x, y in S×S crop pixels, z in the same units) → frame pixels, z scaled alike. */
export function cropPointsToImage(raw: ArrayLike<number>, first: number, count: number, roi: SquareRoi, S: number): P3[] {
  const out: P3[] = [];
  for (let k = first; k < first + count; k++) {
    const [x, y] = cropToImage(roi, raw[k * 3]!, raw[k * 3 + 1]!, S);
    out.push([x, y, raw[k * 3 + 2]! * (roi.size / S)]);
  }
  return out;
}

/** The axis-aligned box of points (frame pixels). */
function boxOf(points: ReadonlyArray<readonly number[]>): Box {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of points) { x0 = Math.min(x0, p[0]!); y0 = Math.min(y0, p[1]!); x1 = Math.max(x1, p[0]!); y1 = Math.max(y1, p[1]!); }
  return [x0, y0, x1, y1];
}

/** Runs a graph model on one batch of crops; returns every output's values, by their element counts. */
async function runModel(model: Tf, crops: Float32Array, n: number, S: number): Promise<Float32Array[]> {
  const input = tf().tensor(crops, [n, S, S, 3], 'float32');
  let out: Tf;
  try {
    out = model.execute(input);
  } finally {
    input.dispose();
  }
  const list: Tf[] = Array.isArray(out) ? out : [out];
  const values: Float32Array[] = [];
  for (const t of list) { values.push((await t.data()) as Float32Array); t.dispose(); }
  return values;
}

/** The face mesh model on one face crop: its face flag and 468 points in frame pixels; null when the flag is below FACE_REFINE.minScore. */
async function meshOnCrop(model: Tf, image: FloatImage, roi: SquareRoi): Promise<{ score: number; mesh: P3[] } | null> {
  const S = FACE_REFINE.meshInput;
  const outs = await runModel(model, sampleRoi(image, roi, S), 1, S);
  const meshRaw = outs.find((v) => v.length === FACE_MESH_POINTS * 3);
  const flag = outs.find((v) => v.length === 1);
  if (!meshRaw || !flag) throw new Error(`unexpected face-mesh outputs (${outs.map((v) => v.length).join(', ')} values)`);
  const score = flag[0]!;
  if (!(score >= FACE_REFINE.minScore)) return null;
  return { score, mesh: cropPointsToImage(meshRaw, 0, FACE_MESH_POINTS, roi, S) };
}

/**
 * A face the face detector missed, looked for where the body's keypoints place it (faceRoiFromBody): the face mesh
 * model on that crop, then the crop pass (refineFace) from the mesh it finds, so the result is placed and refined
 * like any found face. No rotation or attributes (the detector's pipeline gives those); `source` 'body'. Null when
 * the keypoints place no crop or either pass finds no face.
 */
export async function faceFromBody(
  models: FaceCropModels,
  image: FloatImage,
  keypoints: ReadonlyArray<readonly number[]>,
  minScore: number,
): Promise<FaceResult | null> {
  const roi = faceRoiFromBody(keypoints, minScore);
  if (!roi) return null;
  const first = await meshOnCrop(models.mesh, image, roi);
  if (!first) return null;
  const face: FaceResult = { score: first.score, box: boxOf(first.mesh), mesh: first.mesh, rotation: null, iris: null, attributes: null, source: 'body' };
  return refineFace(models, image, face);
}

/**
 * The face crop pass on one face (see the module comment). Returns the refined face (score: the mesh model's face
 * flag; rotation and attributes kept from `face`), or null when the crop holds no face (flag below
 * FACE_REFINE.minScore) or the first mesh is degenerate.
 */
export async function refineFace(models: FaceCropModels, image: FloatImage, face: FaceResult): Promise<FaceResult | null> {
  const R = FACE_REFINE;
  const roi = faceRoi(face.mesh);
  if (!roi) return null;
  const found = await meshOnCrop(models.mesh, image, roi);
  if (!found) return null;
  const { score, mesh } = found;
  const L = FACE_LANDMARKS;
  const eyes = [
    { side: 'right' as const, roi: eyeRoi(mesh[L.rightEyeOuter]!, mesh[L.rightEyeInner]!, false) },
    { side: 'left' as const, roi: eyeRoi(mesh[L.leftEyeOuter]!, mesh[L.leftEyeInner]!, true) },
  ];
  if (!eyes[0]!.roi || !eyes[1]!.roi) return null;
  const E = R.irisInput, per = E * E * 3;
  const crops = new Float32Array(2 * per);
  eyes.forEach((e, i) => sampleRoi(image, e.roi!, E, crops.subarray(i * per, (i + 1) * per)));
  const [irisRaw] = await runModel(models.iris, crops, 2, E);
  const P = R.irisContourPoints + R.irisPoints;
  if (!irisRaw || irisRaw.length !== 2 * P * 3) throw new Error(`unexpected iris output (${irisRaw?.length} values)`);
  const irisOf: Record<'left' | 'right', P3[]> = { left: [], right: [] };
  eyes.forEach((e, i) => {
    const pts = cropPointsToImage(irisRaw.subarray(i * P * 3, (i + 1) * P * 3), 0, P, e.roi!, E);
    const map = IRIS_TO_MESH[e.side];
    // Lids from the iris model; depth averaged with the mesh's (the iris model's z is relative to its own crop).
    const put = (meshIdx: readonly number[], contourIdx: readonly number[]): void =>
      meshIdx.forEach((m, j) => { const p = pts[contourIdx[j]!]!; mesh[m] = [p[0], p[1], (p[2] + mesh[m]![2]) / 2]; });
    put(map.upper, IRIS_TO_MESH.contour.upper);
    put(map.lower, IRIS_TO_MESH.contour.lower);
    irisOf[e.side] = pts.slice(R.irisContourPoints);
  });
  const left = irisOf.left[0]!, right = irisOf.right[0]!;
  return {
    ...face,
    score,
    box: boxOf(mesh),
    mesh: [...mesh, ...irisOf.left, ...irisOf.right],
    iris: { left: [left[0], left[1]], right: [right[0], right[1]] },
  };
}
