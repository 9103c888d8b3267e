/**
 * Fitting the body model to one photo (`fitImage`) and to a sequence of frames (`fitFrames`).
 *
 * Camera: pinhole with the focal length from an assumed field of view (FIT_CONFIG.defaultFovDeg on the
 * long side), principal point at the centre, at the world origin looking down −Z (so the person, who faces
 * +Z, faces the camera). Absolute scale is ambiguous from one photo: it is fixed by the shape prior (an
 * average-height adult unless the keypoints' proportions say otherwise); distance follows from it.
 *
 * Initialisation: global orientation and the directions of the upper/lower arms and legs from BlazePose's
 * 3D world landmarks (minimal rotations of the rest bones onto the observed bones), distance from the
 * person's pixel height. Then Adam in stages: (1) translation + global orientation, (2) + body pose,
 * (3) + shape, on robust keypoint reprojection + a two-sided silhouette term + priors, with gradients from
 * the body model's analytic backward pass.
 */
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import { axisAngleToMatrix, mat3Multiply, mat3Transpose, matrixToAxisAngle } from '../core/rotation.js';
import type { ArrayBodyModel } from '../body/index.js';
import { BodyPoser, type PosedBody } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { keypointAnchors, type KeypointAnchor } from '../body/index.js';
import { BODY_INDEX, type BodyKeypointName } from '../perceive/index.js';
import type { Perception } from '../perceive/index.js';
import { rasterizeMesh } from '../render/index.js';
import { Adam } from '../nn/index.js';
import type { Param } from '../nn/index.js';
import { FIT_CONFIG } from './config.js';
import { estimatePhotoExpression, photoExpressionPose } from './expression.js';
import { distanceTransform } from './distance.js';
import { dataEnergy, matteSamples, type FitTarget } from './energy.js';
import { cameraToJson, type BodyFit } from './types.js';
import { worldDirectionTerm, WORLD_LIMBS_WITH_TORSO } from './worldDirection.js';
import { depthOrderConflicts } from './depthOrder.js';
import { silhouetteVertexWeights } from './vertexWeights.js';
import { photoFieldOfView } from './photoCamera.js';
import { combineSexEvidence, decideSex, phenotypePrior, shapePriorEnergy, type SexChoice, type ShapePrior } from './phenotypePrior.js';

/** Options of `fitImage`. */
export interface FitOptions {
  /** Long-side field of view (degrees). */
  fovDeg?: number;
  /** Scale the iteration counts (tests use < 1). */
  iterationScale?: number;
  /** Use the silhouette term (default true when a matte is present). */
  silhouette?: boolean;
  /** Sex for the shape prior: from the photo's face (auto, the default) or the user's word. */
  sex?: SexChoice;
  /** Let the body vote on the sex too (fit as a man and as a woman); default FIT_CONFIG.sexPrior.bodyEvidence. */
  bodyEvidence?: boolean;
}

const anchorCache = new WeakMap<ArrayBodyModel, KeypointAnchor[]>();

/** The 33 keypoint anchors on a body (landmark anchors become their main vertex, for gradients). */
export function bodyAnchors(body: ArrayBodyModel): KeypointAnchor[] {
  const hit = anchorCache.get(body);
  if (hit) return hit;
  const rest = body.template;
  const restJoints = body.jointPositions(rest);
  const raw = keypointAnchors({ rest, partLabels: body.partLabels, triangles: body.triangles, cornerUvs: body.cornerUvs, jointNames: body.skeleton.names, restJoints, landmarkNames: body.landmarkNames });
  const anchors = raw.map((a): KeypointAnchor => {
    if (a.kind !== 'landmark') return a;
    const r = body.landmarkRegressor;
    let best = r.vertices[r.offsets[a.index]!]!, bw = -Infinity;
    for (let e = r.offsets[a.index]!; e < r.offsets[a.index + 1]!; e++) if (r.weights[e]! > bw) { bw = r.weights[e]!; best = r.vertices[e]!; }
    return { kind: 'vertex', index: best };
  });
  anchorCache.set(body, anchors);
  return anchors;
}

/** The default camera of a W×H photo (see the module comment). */
export function defaultCamera(width: number, height: number, fovDeg: number = FIT_CONFIG.defaultFovDeg): Camera {
  const f = Math.max(width, height) / (2 * Math.tan((fovDeg * Math.PI) / 360));
  return { R: Float64Array.from([1, 0, 0, 0, -1, 0, 0, 0, -1]), t: Float64Array.from([0, 0, 0]), fx: f, fy: f, cx: width / 2, cy: height / 2, width, height };
}

/** The 33 keypoints on the rest body (x, y, z per keypoint, metres): their anchors' joints or vertices. */
export function restKeypointPositions(body: ArrayBodyModel, anchors: KeypointAnchor[], restJoints: Float64Array): Float64Array {
  const out = new Float64Array(anchors.length * 3);
  anchors.forEach((a, k) => {
    const src = a.kind === 'joint' ? restJoints : body.template;
    for (let c = 0; c < 3; c++) out[k * 3 + c] = src[a.index * 3 + c]!;
  });
  return out;
}

/** Rotation taking unit vector a onto unit vector b (minimal), as axis-angle. */
function alignVectors(a: number[], b: number[]): [number, number, number] {
  const cx = a[1]! * b[2]! - a[2]! * b[1]!, cy = a[2]! * b[0]! - a[0]! * b[2]!, cz = a[0]! * b[1]! - a[1]! * b[0]!;
  const s = Math.hypot(cx, cy, cz), c = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const ang = Math.atan2(s, c);
  if (s < 1e-9) return [0, 0, 0];
  return [(cx / s) * ang, (cy / s) * ang, (cz / s) * ang];
}

const norm3 = (v: number[]): number[] => { const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1; return [v[0]! / n, v[1]! / n, v[2]! / n]; };

/**
 * Initial pose from BlazePose world landmarks (camera-aligned: x right, y down, z away; our world is
 * (x, −y, −z) of that for the default camera).
 */
export function initialPose(body: ArrayBodyModel, p: Perception, restJoints: Float64Array): BodyPose {
  const J = body.skeleton.names.length;
  const rot = new Float64Array(J * 3);
  const w = p.body.world, kp = p.body.keypoints;
  const W = (n: BodyKeypointName): number[] => { const q = w[BODY_INDEX[n]]!; return [q[0], -q[1], -q[2]]; };
  const ok = (n: BodyKeypointName) => kp[BODY_INDEX[n]]![2] >= FIT_CONFIG.minConfidence;
  const sub = (a: number[], b: number[]) => [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
  const mid = (a: number[], b: number[]) => [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2, (a[2]! + b[2]!) / 2];
  // global orientation from hips (left − right = body +X) and hips → shoulders (body +Y)
  const X = norm3(sub(W('leftHip'), W('rightHip')));
  let Y = sub(mid(W('leftShoulder'), W('rightShoulder')), mid(W('leftHip'), W('rightHip')));
  const d = Y[0]! * X[0]! + Y[1]! * X[1]! + Y[2]! * X[2]!;
  Y = norm3([Y[0]! - d * X[0]!, Y[1]! - d * X[1]!, Y[2]! - d * X[2]!]);
  const Z = [X[1]! * Y[2]! - X[2]! * Y[1]!, X[2]! * Y[0]! - X[0]! * Y[2]!, X[0]! * Y[1]! - X[1]! * Y[0]!];
  const Rg = Float64Array.from([X[0]!, Y[0]!, Z[0]!, X[1]!, Y[1]!, Z[1]!, X[2]!, Y[2]!, Z[2]!]);
  const g = matrixToAxisAngle(Rg);
  rot.set(g, 0);
  const names = body.skeleton.names;
  const jointRot = (name: string): ArrayLike<number> => {
    // global rotation of a joint under the current rotations (its chain from the root)
    let j = names.indexOf(name);
    const chain: number[] = [];
    while (j >= 0) { chain.unshift(j); j = body.skeleton.parents[j]!; }
    let G: Float64Array = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    for (const k of chain) G = mat3Multiply(G, axisAngleToMatrix(rot[k * 3]!, rot[k * 3 + 1]!, rot[k * 3 + 2]!));
    return G;
  };
  const limbs: Array<[string, string, BodyKeypointName, BodyKeypointName]> = [
    ['upperarm_l', 'lowerarm_l', 'leftShoulder', 'leftElbow'], ['lowerarm_l', 'hand_l', 'leftElbow', 'leftWrist'],
    ['upperarm_r', 'lowerarm_r', 'rightShoulder', 'rightElbow'], ['lowerarm_r', 'hand_r', 'rightElbow', 'rightWrist'],
    ['thigh_l', 'calf_l', 'leftHip', 'leftKnee'], ['calf_l', 'foot_l', 'leftKnee', 'leftAnkle'],
    ['thigh_r', 'calf_r', 'rightHip', 'rightKnee'], ['calf_r', 'foot_r', 'rightKnee', 'rightAnkle'],
  ];
  for (const [jn, cn, a, b] of limbs) {
    const j = names.indexOf(jn), c = names.indexOf(cn);
    if (j < 0 || c < 0 || !ok(a) || !ok(b)) continue;
    const bone = norm3([restJoints[c * 3]! - restJoints[j * 3]!, restJoints[c * 3 + 1]! - restJoints[j * 3 + 1]!, restJoints[c * 3 + 2]! - restJoints[j * 3 + 2]!]);
    const obs = norm3(sub(W(b), W(a)));
    const parentG = jointRot(names[body.skeleton.parents[j]!]!);
    const Pt = mat3Transpose(parentG);
    const local = [Pt[0]! * obs[0]! + Pt[1]! * obs[1]! + Pt[2]! * obs[2]!, Pt[3]! * obs[0]! + Pt[4]! * obs[1]! + Pt[5]! * obs[2]!, Pt[6]! * obs[0]! + Pt[7]! * obs[1]! + Pt[8]! * obs[2]!];
    rot.set(alignVectors(bone, local), j * 3);
  }
  return { rotations: rot, translation: [0, 0, 0] };
}

/** Joints that the fit does not move (eyes; fingers unless hands were seen). */
function frozenJoints(body: ArrayBodyModel): Uint8Array {
  const names = body.skeleton.names, parents = body.skeleton.parents;
  const frozen = new Uint8Array(names.length);
  for (let j = 0; j < names.length; j++) {
    if (/eye/i.test(names[j]!)) frozen[j] = 1;
    let p = parents[j]!;
    while (p >= 0) { if (/^hand|wrist/i.test(names[p]!)) frozen[j] = 1; p = parents[p]!; }
  }
  return frozen;
}

/** The silhouette term's vertex weights (vertexWeights.ts), or none when FIT_CONFIG.silhouetteAreaWeighted is off. */
function silhouetteWeights(body: ArrayBodyModel): Float64Array | undefined {
  return FIT_CONFIG.silhouetteAreaWeighted ? silhouetteVertexWeights(body) : undefined;
}

/** Adds pose-prior and joint-limit gradients; returns their energy. */
function priorEnergy(body: ArrayBodyModel, rot: Float64Array, grad: Float64Array, kneeIdx: number[]): number {
  const W = FIT_CONFIG.weights;
  let e = 0;
  for (let i = 3; i < rot.length; i++) { e += W.posePrior * rot[i]! * rot[i]!; grad[i] += 2 * W.posePrior * rot[i]!; }
  for (const k of kneeIdx) {
    // the shin swings backward for positive rotation about +X; forbid negative bends and twists
    const x = rot[k * 3]!;
    if (x < 0) { e += W.jointLimits * x * x; grad[k * 3] += 2 * W.jointLimits * x; }
    for (const a of [1, 2]) { const v = rot[k * 3 + a]!; e += W.jointLimits * v * v; grad[k * 3 + a] += 2 * W.jointLimits * v; }
  }
  void body;
  return e;
}

/** The target of one perception result. */
export function fitTargetOf(p: Perception, withSilhouette: boolean): FitTarget {
  const target: FitTarget = { keypoints: p.body.keypoints, heightPx: Math.max(32, p.person.heightPx) };
  const m = p.mask;
  if (withSilhouette && m) {
    const inside = new Uint8Array(m.width * m.height);
    for (let i = 0; i < inside.length; i++) inside[i] = m.data[i]! >= 0.5 ? 1 : 0;
    target.silhouette = {
      width: m.width,
      height: m.height,
      outside: distanceTransform(inside, m.width, m.height),
      samples: matteSamples(m.data, m.width, m.height, Math.max(2, Math.round(target.heightPx / 80))),
    };
  }
  return target;
}

const cloneParam = (p: Param): Param => ({ name: p.name, value: Float64Array.from(p.value), grad: new Float64Array(p.value.length) });

interface FitState {
  rot: Param;
  trans: Param;
  shape: Param;
}

/**
 * An extra energy term on the posed body (e.g. capture's world-landmark directions): returns its energy and
 * adds its gradient with respect to the posed vertices (V×3) and joints (J×3) into gV and gJ.
 */
export type PosedTerm = (vertices: Float64Array, joints: Float64Array, gV: Float64Array, gJ: Float64Array) => number;

/** Runs `iterations` Adam steps over the active parameter groups. */
function optimise(
  body: ArrayBodyModel, poser: BodyPoser, cam: Camera, anchors: KeypointAnchor[], target: FitTarget, st: FitState,
  groups: Array<'rot' | 'trans' | 'shape'>, iterations: number, frozen: Uint8Array,
  extra?: (rot: Float64Array, grad: Float64Array) => number, silhouette = true, globalOnly = false,
  posedTerm?: PosedTerm, shapePrior?: ShapePrior,
): number {
  const kneeIdx = ['calf_l', 'calf_r'].map((n) => body.skeleton.names.indexOf(n)).filter((j) => j >= 0);
  const adam = new Adam(
    groups.map((g) => ({ name: g, params: [st[g]], lr: g === 'rot' ? FIT_CONFIG.lr.rotation : g === 'trans' ? FIT_CONFIG.lr.translation : FIT_CONFIG.lr.shape })),
    FIT_CONFIG.adam,
  );
  const V = body.vertexCount, J = body.skeleton.names.length;
  const gV = new Float64Array(V * 3), gJ = new Float64Array(J * 3);
  const vertexWeights = silhouetteWeights(body);
  let last = 0;
  // the last pass (it === iterations) only evaluates the energy of the final state (no step)
  for (let it = 0; it <= iterations; it++) {
    const pose: BodyPose = { rotations: st.rot.value as Float64Array, translation: [st.trans.value[0]!, st.trans.value[1]!, st.trans.value[2]!] };
    const posed: PosedBody = poser.forward({ shape: st.shape.value, pose });
    gV.fill(0); gJ.fill(0);
    const e = dataEnergy(cam, anchors, posed.vertices, posed.joints, target, gV, gJ, { silhouette, vertexWeights });
    if (posedTerm) e.total += posedTerm(posed.vertices, posed.joints, gV, gJ);
    const grads = poser.backward(posed, gV, gJ, { shape: groups.includes('shape') });
    st.rot.grad.set(grads.pose);
    st.trans.grad.set(grads.translation);
    if (groups.includes('shape')) st.shape.grad.set(grads.shape.subarray(0, st.shape.value.length));
    let prior = priorEnergy(body, st.rot.value as Float64Array, st.rot.grad as Float64Array, kneeIdx);
    if (shapePrior) prior += shapePriorEnergy(st.shape.value, shapePrior, FIT_CONFIG.weights.shapePrior, st.shape.grad as Float64Array);
    else for (let i = 0; i < st.shape.value.length; i++) { prior += FIT_CONFIG.weights.shapePrior * st.shape.value[i]! ** 2; st.shape.grad[i] += 2 * FIT_CONFIG.weights.shapePrior * st.shape.value[i]!; }
    if (extra) prior += extra(st.rot.value as Float64Array, st.rot.grad as Float64Array);
    last = e.total + prior;
    if (it === iterations) break;
    for (let j = 0; j < J; j++) if (frozen[j] || (globalOnly && j > 0)) st.rot.grad.fill(0, j * 3, j * 3 + 3);
    adam.step();
  }
  return last;
}

/** The residuals and uncertain parts of a fit. */
function evaluate(body: ArrayBodyModel, poser: BodyPoser, cam: Camera, anchors: KeypointAnchor[], p: Perception, shape: ArrayLike<number>, pose: BodyPose) {
  const posed = poser.forward({ shape, pose });
  const names = Object.keys(BODY_INDEX) as BodyKeypointName[];
  const per: Record<string, number> = {};
  let sum = 0, wsum = 0;
  const q = new Float64Array(5);
  const uncertain = new Set<string>();
  const partSum: Record<string, [number, number]> = {};
  const depth = new Float64Array(33).fill(NaN); // camera-space depth of each keypoint's anchor (metres)
  for (const n of names) {
    const k = BODY_INDEX[n];
    const [x, y, c] = p.body.keypoints[k]!;
    const a = anchors[k]!;
    const src = a.kind === 'joint' ? posed.joints : posed.vertices;
    const R = cam.R, t = cam.t, X = src[a.index * 3]!, Y = src[a.index * 3 + 1]!, Z = src[a.index * 3 + 2]!;
    const zc = R[6]! * X + R[7]! * Y + R[8]! * Z + t[2]!;
    depth[k] = zc;
    q[0] = (cam.fx * (R[0]! * X + R[1]! * Y + R[2]! * Z + t[0]!)) / zc + cam.cx;
    q[1] = (cam.fy * (R[3]! * X + R[4]! * Y + R[5]! * Z + t[1]!)) / zc + cam.cy;
    const part = partOfKeypoint(n);
    if (part) { partSum[part] = partSum[part] ?? [0, 0]; partSum[part]![1]++; }
    if (c < FIT_CONFIG.minConfidence) { uncertain.add(part); continue; }
    const err = Math.hypot(q[0]! - x, q[1]! - y);
    // per-part confidence: the keypoint's confidence, scaled down where the fit misses it by more than the robust scale
    const robust = FIT_CONFIG.robustScale * p.person.heightPx;
    if (part) partSum[part]![0] += c * Math.min(1, robust / Math.max(err, 1e-9));
    per[n] = err;
    sum += c * err; wsum += c;
    if (err > 2 * FIT_CONFIG.robustScale * p.person.heightPx) uncertain.add(partOfKeypoint(n));
  }
  let iou = NaN;
  if (p.mask) {
    const raster = rasterizeMesh(Float32Array.from(posed.vertices), body.triangles, cam);
    let inter = 0, uni = 0;
    for (let i = 0; i < raster.triangleId.length; i++) {
      const a = raster.triangleId[i]! >= 0, b = p.mask.data[i]! >= 0.5;
      if (a && b) inter++;
      if (a || b) uni++;
    }
    iou = uni > 0 ? inter / uni : 0;
  }
  const keypointPx = wsum > 0 ? sum / wsum : NaN;
  const partConfidence: Record<string, number> = {};
  // per-limb depth order against BlazePose's world landmarks (depthOrder.ts)
  const hasWorld = p.body.world?.some((w) => w[0] !== 0 || w[1] !== 0 || w[2] !== 0) ?? false;
  const depthOrder = hasWorld ? depthOrderConflicts(p.body.world, p.body.keypoints.map((k) => k[2]), depth) : [];
  const penalised = new Set(depthOrder.map((d) => d.part));
  for (const part of penalised) {
    uncertain.add(part);
    if (partSum[part]) partSum[part]![0] *= FIT_CONFIG.depthOrder.penalty;
  }
  for (const [part, [sum, n]] of Object.entries(partSum)) partConfidence[part] = Number((sum / n).toFixed(3));
  return { keypointPx, keypointRelative: keypointPx / p.person.heightPx, silhouetteIoU: iou, perKeypointPx: per, uncertain: [...uncertain].filter((u) => u), partConfidence, depthOrder };
}

/** Which body region a keypoint belongs to (for the "uncertain parts" report). */
export function partOfKeypoint(n: string): string {
  if (/Eye|Ear|nose|mouth/i.test(n)) return 'face';
  const side = n.startsWith('left') ? 'left' : 'right';
  if (/Wrist|Pinky|Index|Thumb/.test(n)) return `${side}Hand`;
  if (/Elbow|Shoulder/.test(n)) return `${side}Arm`;
  if (/Ankle|Heel|FootIndex/.test(n)) return `${side}Foot`;
  if (/Knee|Hip/.test(n)) return `${side}Leg`;
  return '';
}

/** Fits shape, pose and camera placement to one photo's perception. */
export function fitImage(p: Perception, body: ArrayBodyModel, options: FitOptions = {}): BodyFit {
  if (!p.body || p.body.keypoints.length !== 33) throw new PersonaError('fit needs the 33 body keypoints of perception', { hint: 'run `persona perceive` first' });
  const W = p.image.width, H = p.image.height;
  const poser = new BodyPoser(body);
  const anchors = bodyAnchors(body);
  const restJoints = body.jointPositions(body.template);
  const fieldOfView = options.fovDeg !== undefined
    ? { fovDeg: options.fovDeg, source: 'given' as const }
    : photoFieldOfView(p, restKeypointPositions(body, anchors, restJoints));
  const cam = defaultCamera(W, H, fieldOfView.fovDeg);
  const withSil = options.silhouette ?? p.mask !== undefined;
  const target = fitTargetOf(p, withSil);
  const init = initialPose(body, p, restJoints);
  // distance from the person's pixel height vs the rest body's height; x/y from the box centre
  let ylo = Infinity, yhi = -Infinity;
  for (let v = 0; v < body.vertexCount; v++) { ylo = Math.min(ylo, body.template[v * 3 + 1]!); yhi = Math.max(yhi, body.template[v * 3 + 1]!); }
  const box = p.person.box;
  const depth = (cam.fy * (yhi - ylo)) / Math.max(32, p.person.heightPx);
  const bx = (box[0] + box[2]) / 2, by = (box[1] + box[3]) / 2;
  const trans = [((bx - cam.cx) * depth) / cam.fx, -((by - cam.cy) * depth) / cam.fy - (yhi + ylo) / 2, -depth];
  const sexPrior = phenotypePrior(body, decideSex(p, options.sex));
  const st: FitState = {
    rot: { name: 'rot', value: Float64Array.from(init.rotations), grad: new Float64Array(init.rotations.length) },
    trans: { name: 'trans', value: Float64Array.from(trans), grad: new Float64Array(3) },
    shape: { name: 'shape', value: Float64Array.from(sexPrior.prior.centre), grad: new Float64Array(body.shapeCount) },
  };
  const frozen = frozenJoints(body);
  const k = options.iterationScale ?? 1;
  const S = FIT_CONFIG.stages;
  optimise(body, poser, cam, anchors, target, st, ['rot', 'trans'], Math.round(S.global * k), frozen, undefined, false, true);
  // BlazePose's world landmarks as bone-direction evidence (limbs and the trunk's lean in depth)
  const world = FIT_CONFIG.weights.worldDirections > 0 && p.body.world.some((w) => w[0] !== 0 || w[1] !== 0 || w[2] !== 0)
    ? worldDirectionTerm(p, anchors, FIT_CONFIG.weights.worldDirections, WORLD_LIMBS_WITH_TORSO) : undefined;
  // Pose stage from two starts, keeping the one of lower energy (issue #19, dynamic poses): (a) with the matte from
  // the start; (b) first on keypoints alone, then with the matte. In (a) the matte term (unbounded, weight 1e4)
  // outweighs the robust keypoint term (saturated beyond its scale) for a limb that starts far from its keypoints:
  // the limb swings into the matte by foreshortening and stays there (man-jump-yellow's right arm). In (b) the limbs
  // reach their keypoints first; but where the body model cannot cover a loose matte (a coat's flaps) the matte can
  // then drag a hand off its keypoints, which (a) avoids. The energy ranks the two right on the real photos (docs/fit.md).
  const fromGlobal: FitState = { rot: cloneParam(st.rot), trans: cloneParam(st.trans), shape: cloneParam(st.shape) };
  const energyMatte = optimise(body, poser, cam, anchors, target, st, ['rot', 'trans'], Math.round(S.pose * k), frozen, undefined, withSil, false, world);
  let poseStart: 'matte' | 'keypointsFirst' = 'matte';
  let energyKeypointsFirst: number | null = null;
  if (withSil && S.poseKeypointsFirst > 0) {
    optimise(body, poser, cam, anchors, target, fromGlobal, ['rot', 'trans'], Math.round(S.poseKeypointsFirst * k), frozen, undefined, false, false, world);
    energyKeypointsFirst = optimise(body, poser, cam, anchors, target, fromGlobal, ['rot', 'trans'], Math.round(S.pose * k), frozen, undefined, true, false, world);
    if (energyKeypointsFirst < energyMatte) { st.rot = fromGlobal.rot; st.trans = fromGlobal.trans; poseStart = 'keypointsFirst'; }
  }
  let finalPrior = sexPrior;
  if ((options.sex ?? 'auto') === 'auto' && sexPrior.record.applied && (options.bodyEvidence ?? FIT_CONFIG.sexPrior.bodyEvidence)) {
    // Body evidence: fit the shape under both hypotheses and compare how well each explains the keypoints and
    // the matte; combined with the face's vote (phenotypePrior.ts combineSexEvidence). Costs one more shape stage.
    const trial = (sex: 'male' | 'female') => {
      const pr = phenotypePrior(body, { sex: { ...sexPrior.record.sex, used: sex, source: 'photo' }, gender: sex === 'male' ? 1 : 0 });
      const t: FitState = { rot: cloneParam(st.rot), trans: cloneParam(st.trans), shape: { name: 'shape', value: Float64Array.from(pr.prior.centre), grad: new Float64Array(body.shapeCount) } };
      optimise(body, poser, cam, anchors, target, t, ['rot', 'trans', 'shape'], Math.round(S.shape * k), frozen, undefined, withSil, false, world, pr.prior);
      const posed = poser.forward({ shape: t.shape.value, pose: { rotations: t.rot.value as Float64Array, translation: [t.trans.value[0]!, t.trans.value[1]!, t.trans.value[2]!] } });
      const e = dataEnergy(cam, anchors, posed.vertices, posed.joints, target, new Float64Array(posed.vertices.length), new Float64Array(posed.joints.length), { silhouette: withSil, vertexWeights: silhouetteWeights(body) });
      return { state: t, energy: e.total, terms: e };
    };
    const m = trial('male'), f = trial('female');
    const decision = combineSexEvidence(sexPrior.record, m.energy, f.energy);
    const r4 = (x: number | undefined) => Number((x ?? 0).toFixed(5));
    const terms = (e: typeof m.terms) => ({ keypoints: r4(e.keypoints), silhouetteOut: r4(e.silhouetteOut), silhouetteIn: r4(e.silhouetteIn) });
    if (decision.sex.body) decision.sex.body.energies = { male: terms(m.terms), female: terms(f.terms) };
    finalPrior = phenotypePrior(body, decision);
    const pick = decision.sex.used === 'male' ? m : decision.sex.used === 'female' ? f : null;
    if (pick) { st.rot = pick.state.rot; st.trans = pick.state.trans; st.shape = pick.state.shape; }
    else optimise(body, poser, cam, anchors, target, st, ['rot', 'trans', 'shape'], Math.round(S.shape * k), frozen, undefined, withSil, false, world, finalPrior.prior);
  } else optimise(body, poser, cam, anchors, target, st, ['rot', 'trans', 'shape'], Math.round(S.shape * k), frozen, undefined, withSil, false, world, sexPrior.prior);
  const pose: BodyPose = { rotations: Float64Array.from(st.rot.value), translation: [st.trans.value[0]!, st.trans.value[1]!, st.trans.value[2]!] };
  const photoExpression = estimatePhotoExpression(p.face);
  // the photo's own expression goes into the fit (units + jaw) so the canonical avatar stays neutral (issue #25)
  const expr = photoExpressionPose(photoExpression, body.expressionNames);
  const jawJoint = body.skeleton.names.indexOf('jaw');
  if (jawJoint >= 0 && expr.jaw !== 0) pose.rotations[jawJoint * 3] = pose.rotations[jawJoint * 3]! + expr.jaw;
  const ev = evaluate(body, poser, cam, anchors, p, st.shape.value, pose);
  return {
    format: 'persona-fit',
    formatVersion: 1,
    body: { kind: body.kind, shapeCount: body.shapeCount },
    shape: Array.from(st.shape.value),
    expression: expr.weights,
    pose: { rotations: Array.from(pose.rotations), translation: pose.translation },
    camera: cameraToJson(cam),
    residuals: { keypointPx: ev.keypointPx, keypointRelative: ev.keypointRelative, silhouetteIoU: ev.silhouetteIoU, perKeypointPx: ev.perKeypointPx },
    uncertain: ev.uncertain,
    partConfidence: ev.partConfidence,
    depthOrder: ev.depthOrder,
    phenotypePrior: finalPrior.record,
    photoExpression: photoExpression ? { ...photoExpression, applied: expr.applied, jaw: expr.jaw } : null,
    poseStart: { used: poseStart, energies: { matte: Number(energyMatte.toFixed(5)), keypointsFirst: energyKeypointsFirst === null ? null : Number(energyKeypointsFirst.toFixed(5)) } },
    fieldOfView: { deg: Number(fieldOfView.fovDeg.toFixed(2)), source: fieldOfView.source },
    scaleNote: fieldOfView.source === 'distance'
      ? `absolute scale from the shape prior; field of view ${fieldOfView.fovDeg.toFixed(1)}° on the long side, from an assumed camera distance of ${FIT_CONFIG.photoDistance} m and the person's size in the image`
      : `absolute scale from the shape prior with ${fieldOfView.source === 'given' ? 'a given' : 'an assumed'} ${fieldOfView.fovDeg}° field of view on the long side`,
  };
}

/**
 * Per-frame pose fitting with the shape and camera of `subject` fixed, warm-started from the previous
 * frame, with a temporal smoothness term. Frames whose perception is null are interpolated (flagged).
 * With `initialPoses`, a frame that has one is also fitted from it, its smoothness term holding it near that
 * pose, and the start whose fit lands nearer the frame's keypoints is kept: frames an image-animation model made
 * from a known driving pose (between frames of a turn the body can be 45° apart, and a start from the previous
 * frame fits a back view as a front one), while frames that do not follow it keep the warm start.
 */
export function fitFrames(frames: Array<Perception | null>, subject: BodyFit, body: ArrayBodyModel, options: FitOptions & { camera?: Camera; onFrame?: (done: number) => void; frameTerm?: (p: Perception) => PosedTerm | undefined; initialPoses?: ReadonlyArray<BodyPose | undefined> } = {}): Array<{ pose: BodyPose; residuals: ReturnType<typeof evaluate> | null; interpolated: boolean }> {
  const poser = new BodyPoser(body);
  const anchors = bodyAnchors(body);
  const frozen = frozenJoints(body);
  const out: Array<{ pose: BodyPose; residuals: ReturnType<typeof evaluate> | null; interpolated: boolean }> = [];
  let prev: Float64Array = Float64Array.from(subject.pose.rotations);
  let prevT: number[] = [...subject.pose.translation];
  const restJoints = body.jointPositions(body.shapedVertices(subject.shape));
  for (const p of frames) {
    if (!p) { out.push({ pose: { rotations: prev.slice(), translation: [prevT[0]!, prevT[1]!, prevT[2]!] }, residuals: null, interpolated: true }); options.onFrame?.(out.length); continue; }
    const cam = options.camera ?? defaultCamera(p.image.width, p.image.height, options.fovDeg);
    const target = fitTargetOf(p, options.silhouette ?? false);
    /** Fits the frame from one start; `anchor` is what the smoothness term holds the pose near (none on a first frame). */
    const fitFrom = (rotations: ArrayLike<number>, translation: ArrayLike<number>, anchor: Float64Array | null): { pose: BodyPose; residuals: ReturnType<typeof evaluate> } => {
      const st: FitState = {
        rot: { name: 'rot', value: Float64Array.from(rotations), grad: new Float64Array(rotations.length) },
        trans: { name: 'trans', value: Float64Array.from(translation), grad: new Float64Array(3) },
        shape: { name: 'shape', value: Float64Array.from(subject.shape), grad: new Float64Array(subject.shape.length) },
      };
      const temporal = (rot: Float64Array, grad: Float64Array): number => {
        if (!anchor) return 0;
        let e = 0;
        for (let i = 0; i < rot.length; i++) { const d = rot[i]! - anchor[i]!; e += FIT_CONFIG.weights.temporal * d * d; grad[i] += 2 * FIT_CONFIG.weights.temporal * d; }
        return e;
      };
      optimise(body, poser, cam, anchors, target, st, ['rot', 'trans'], Math.round(FIT_CONFIG.frameIterations * (options.iterationScale ?? 1)), frozen, temporal, options.silhouette ?? false, false, options.frameTerm?.(p));
      const pose: BodyPose = { rotations: Float64Array.from(st.rot.value), translation: [st.trans.value[0]!, st.trans.value[1]!, st.trans.value[2]!] };
      return { pose, residuals: evaluate(body, poser, cam, anchors, p, subject.shape, pose) };
    };
    const warm = out.length === 0 ? fitFrom(initialPose(body, p, restJoints).rotations, prevT, null) : fitFrom(prev, prevT, prev.slice());
    const given = options.initialPoses?.[out.length];
    const driven = given ? fitFrom(given.rotations, given.translation, Float64Array.from(given.rotations)) : null;
    const best = driven && driven.residuals.keypointPx < warm.residuals.keypointPx ? driven : warm;
    prev = Float64Array.from(best.pose.rotations);
    prevT = [...best.pose.translation];
    out.push({ pose: best.pose, residuals: best.residuals, interpolated: false });
    options.onFrame?.(out.length);
  }
  return out;
}
