/**
 * A few named test poses for looking at a body model (not motions; see src/motion for those).
 * Poses are built from joint names (MakeHuman game_engine names, with SMPL-X names as
 * fallbacks) and the rest skeleton, so they work on any model with those joints.
 * Rotations follow the BodyModel convention: axis-angle in world-aligned rest axes
 * (Y up, person facing +Z, person's left at +X).
 */
import { PersonaError } from '../core/errors.js';
import { axisAngleToMatrix, matrixToAxisAngle, mat3Multiply } from '../core/rotation.js';
import type { BodyModel, BodyPose } from './types.js';

/** Names of the built-in test poses. */
export const POSE_NAMES = ['rest', 't-pose', 'a-pose', 'walk', 'sit'] as const;
export type PoseName = (typeof POSE_NAMES)[number];

/** Joint name aliases: MakeHuman game_engine → SMPL-X. */
const ALIASES: Record<string, string> = {
  pelvis: 'pelvis', thigh_l: 'left_hip', thigh_r: 'right_hip', calf_l: 'left_knee', calf_r: 'right_knee', foot_l: 'left_ankle', foot_r: 'right_ankle',
  spine_01: 'spine1', spine_02: 'spine2', spine_03: 'spine3', neck_01: 'neck', head: 'head', clavicle_l: 'left_collar', clavicle_r: 'right_collar',
  upperarm_l: 'left_shoulder', upperarm_r: 'right_shoulder', lowerarm_l: 'left_elbow', lowerarm_r: 'right_elbow', hand_l: 'left_wrist', hand_r: 'right_wrist',
};

for (const [mh, sx] of [['l', 'left'], ['r', 'right']] as const)
  for (const f of ['thumb', 'index', 'middle', 'ring', 'pinky']) for (let k = 1; k <= 3; k++) ALIASES[`${f}_0${k}_${mh}`] = `${sx}_${f}${k}`;

function unit(v: number[]): number[] {
  const n = Math.hypot(v[0]!, v[1]!, v[2]!) || 1;
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

/** Helper that writes world-aligned axis-angles by joint name. */
class PoseBuilder {
  readonly rotations: Float64Array;
  private readonly joints: Float64Array;
  constructor(private readonly model: BodyModel) {
    this.rotations = new Float64Array(model.skeleton.names.length * 3);
    this.joints = model.jointPositions(model.template);
  }
  index(name: string): number {
    const names = this.model.skeleton.names;
    let j = names.indexOf(name);
    if (j < 0 && ALIASES[name]) j = names.indexOf(ALIASES[name]!);
    return j;
  }
  has(name: string): boolean { return this.index(name) >= 0; }
  joint(name: string): number[] {
    const j = this.index(name);
    if (j < 0) throw new PersonaError(`test pose needs joint '${name}', which the ${this.model.kind} skeleton lacks`);
    return [this.joints[j * 3]!, this.joints[j * 3 + 1]!, this.joints[j * 3 + 2]!];
  }
  /** Sets joint `name` to rotate by `angle` about world axis `axis` (composed after what is there). */
  rotate(name: string, axis: number[], angle: number): void {
    const j = this.index(name);
    if (j < 0) return;
    const a = unit(axis);
    const R = axisAngleToMatrix(a[0]! * angle, a[1]! * angle, a[2]! * angle);
    const cur = axisAngleToMatrix(this.rotations[j * 3]!, this.rotations[j * 3 + 1]!, this.rotations[j * 3 + 2]!);
    const r = matrixToAxisAngle(mat3Multiply(R, cur));
    this.rotations.set(r, j * 3);
  }
  /** Local rotation that turns the rest direction from joint a to joint b into `dir` (world). */
  aim(name: string, child: string, dir: number[]): void {
    const p = this.joint(name), c = this.joint(child);
    const d0 = unit([c[0]! - p[0]!, c[1]! - p[1]!, c[2]! - p[2]!]), d1 = unit(dir);
    const ax = [d0[1]! * d1[2]! - d0[2]! * d1[1]!, d0[2]! * d1[0]! - d0[0]! * d1[2]!, d0[0]! * d1[1]! - d0[1]! * d1[0]!];
    const s = Math.hypot(ax[0]!, ax[1]!, ax[2]!), cth = d0[0]! * d1[0]! + d0[1]! * d1[1]! + d0[2]! * d1[2]!;
    if (s < 1e-9) return;
    this.rotate(name, ax, Math.atan2(s, cth));
  }
}

const FINGERS = ['index', 'middle', 'ring', 'pinky'];

/** Curls the fingers of one hand by `angle` per joint about the knuckle line (thumb half as much). */
function curlFingers(b: PoseBuilder, side: 'l' | 'r', angle: number): void {
  if (!b.has(`index_01_${side}`) || !b.has(`pinky_01_${side}`)) return;
  const i1 = b.joint(`index_01_${side}`), p1 = b.joint(`pinky_01_${side}`), hand = b.joint(`hand_${side}`), mid = b.joint(`middle_01_${side}`);
  // Knuckle line and finger direction; the palm normal is their cross product, and the curl
  // axis is chosen so that the finger tips move towards the palm.
  const knuckle = unit([p1[0]! - i1[0]!, p1[1]! - i1[1]!, p1[2]! - i1[2]!]);
  const fdir = unit([mid[0]! - hand[0]!, mid[1]! - hand[1]!, mid[2]! - hand[2]!]);
  // Handedness fixes the palm side: palm = ∓ fdir × knuckle (left −, right +), whatever the rest pose
  // (MakeHuman A-pose palms face the thighs, SMPL-X T-pose palms face down).
  const sgn = side === 'l' ? -1 : 1;
  const palm = unit([fdir[1]! * knuckle[2]! - fdir[2]! * knuckle[1]!, fdir[2]! * knuckle[0]! - fdir[0]! * knuckle[2]!, fdir[0]! * knuckle[1]! - fdir[1]! * knuckle[0]!]).map((x) => sgn * x);
  // Rotating by +angle about (fdir × palm) moves the finger direction towards the palm.
  const axis = [fdir[1]! * palm[2]! - fdir[2]! * palm[1]!, fdir[2]! * palm[0]! - fdir[0]! * palm[2]!, fdir[0]! * palm[1]! - fdir[1]! * palm[0]!];
  for (const f of FINGERS) for (let k = 1; k <= 3; k++) b.rotate(`${f}_0${k}_${side}`, axis, angle * (k === 1 ? 0.8 : 1));
  for (let k = 2; k <= 3; k++) b.rotate(`thumb_0${k}_${side}`, axis, angle * 0.5);
}

/** A named test pose for `model` (zero translation). */
export function namedPose(model: BodyModel, name: PoseName | string): BodyPose {
  const b = new PoseBuilder(model);
  const X = [1, 0, 0], Z = [0, 0, 1];
  switch (name) {
    case 'rest':
      break;
    case 't-pose':
      b.aim('upperarm_l', 'lowerarm_l', [1, 0, 0]);
      b.aim('upperarm_r', 'lowerarm_r', [-1, 0, 0]);
      break;
    case 'a-pose': {
      const s = Math.SQRT1_2;
      b.aim('upperarm_l', 'lowerarm_l', [s, -s, 0]);
      b.aim('upperarm_r', 'lowerarm_r', [-s, -s, 0]);
      break;
    }
    case 'walk':
      b.rotate('thigh_l', X, -0.45); b.rotate('calf_l', X, 0.35); b.rotate('foot_l', X, -0.1);
      b.rotate('thigh_r', X, 0.35); b.rotate('calf_r', X, 0.7); b.rotate('foot_r', X, 0.25);
      b.aim('upperarm_l', 'lowerarm_l', [0.25, -0.95, -0.3]); b.rotate('lowerarm_l', X, -0.5);
      b.aim('upperarm_r', 'lowerarm_r', [-0.25, -0.95, 0.35]); b.rotate('lowerarm_r', X, -1.1);
      b.rotate('spine_02', [0, 1, 0], 0.12); b.rotate('neck_01', [0, 1, 0], -0.1);
      curlFingers(b, 'l', 0.35); curlFingers(b, 'r', 0.5);
      break;
    case 'sit':
      b.rotate('thigh_l', X, -1.45); b.rotate('thigh_r', X, -1.45);
      b.rotate('thigh_l', Z, 0.12); b.rotate('thigh_r', Z, -0.12);
      b.rotate('calf_l', X, 1.5); b.rotate('calf_r', X, 1.5);
      b.rotate('spine_01', X, 0.12);
      b.aim('upperarm_l', 'lowerarm_l', [0.3, -0.9, 0.25]); b.rotate('lowerarm_l', X, -1.2);
      b.aim('upperarm_r', 'lowerarm_r', [-0.3, -0.9, 0.25]); b.rotate('lowerarm_r', X, -1.2);
      b.rotate('head', X, 0.15);
      curlFingers(b, 'l', 0.9); curlFingers(b, 'r', 0.9);
      break;
    default:
      throw new PersonaError(`unknown test pose '${name}'`, { hint: `use one of: ${POSE_NAMES.join(', ')}` });
  }
  return { rotations: b.rotations, translation: [0, 0, 0] };
}
