/**
 * Anatomical joint angles on the canonical T-pose skeleton (Y up, facing +Z, palms down).
 * Each joint kind has a few named angles in degrees (e.g. `flex`, `raise`, `twist`); each
 * name is a rotation about one world axis of the T-pose, with the sign chosen so that a
 * positive angle is the anatomical motion named, for the left side. The right side is the
 * mirror image (reflection x → −x): a rotation about X keeps its sign, about Y or Z flips,
 * so `left_knee: {flex: 30}` and `right_knee: {flex: 30}` both bend the knee 30°.
 * The named rotations compose in the listed order: q = q(first) · q(second) · …, i.e. the
 * last one is applied to the rest bone first.
 */
import { quatMultiply, type Quat } from '../core/rotation.js';
import { PersonaError } from '../core/errors.js';
import type { JointRole } from './names.js';

/** One named angle: the world axis of the T-pose it turns about and the sign of a positive angle (left side). */
export interface AngleAxis { axis: 'x' | 'y' | 'z'; sign: 1 | -1; doc: string }

/** Named angles of each joint kind, in composition order. */
export const JOINT_ANGLES = {
  /** Pelvis (whole-body orientation), spine, neck, head. */
  axial: {
    turn: { axis: 'y', sign: 1, doc: 'turn toward the person\'s left (yaw)' },
    flex: { axis: 'x', sign: 1, doc: 'bend forward (pitch)' },
    side: { axis: 'z', sign: -1, doc: 'bend toward the person\'s left (roll)' },
  },
  collar: {
    raise: { axis: 'z', sign: 1, doc: 'shrug the shoulder up' },
    forward: { axis: 'y', sign: -1, doc: 'bring the shoulder forward' },
  },
  shoulder: {
    forward: { axis: 'x', sign: -1, doc: 'swing the (lowered) arm forward about the body\'s left-right axis' },
    raise: { axis: 'z', sign: 1, doc: 'lift the arm in the frontal plane: 0 = T-pose, −90 = hanging, +90 = overhead' },
    twist: { axis: 'x', sign: 1, doc: 'twist about the T-pose arm axis' },
  },
  elbow: {
    flex: { axis: 'y', sign: -1, doc: 'bend the elbow (forearm toward the front of the T-pose)' },
    twist: { axis: 'x', sign: 1, doc: 'forearm twist' },
  },
  wrist: {
    flex: { axis: 'z', sign: -1, doc: 'bend the hand toward the palm' },
    deviate: { axis: 'y', sign: -1, doc: 'bend the hand toward the thumb' },
    twist: { axis: 'x', sign: 1, doc: 'hand twist' },
  },
  finger: {
    curl: { axis: 'z', sign: -1, doc: 'curl toward the palm' },
    spread: { axis: 'y', sign: -1, doc: 'spread toward the thumb' },
  },
  thumb: {
    curl: { axis: 'x', sign: 1, doc: 'fold the (forward-pointing) thumb down under the palm' },
    spread: { axis: 'y', sign: 1, doc: 'swing the thumb away from the index finger' },
  },
  hip: {
    flex: { axis: 'x', sign: -1, doc: 'swing the thigh forward' },
    abduct: { axis: 'z', sign: 1, doc: 'swing the leg out to the side' },
    twist: { axis: 'y', sign: 1, doc: 'turn the toes outward' },
  },
  knee: {
    flex: { axis: 'x', sign: 1, doc: 'bend the knee (shin backward)' },
  },
  ankle: {
    flex: { axis: 'x', sign: -1, doc: 'lift the toes (dorsiflexion); negative points the foot' },
    twist: { axis: 'y', sign: 1, doc: 'turn the toes outward' },
  },
  toe: {
    flex: { axis: 'x', sign: -1, doc: 'bend the toes up' },
  },
  jaw: {
    open: { axis: 'x', sign: 1, doc: 'open the mouth' },
  },
  eye: {},
} as const satisfies Record<string, Record<string, AngleAxis>>;

/** A joint kind (a key of JOINT_ANGLES). */
export type JointKind = keyof typeof JOINT_ANGLES;

/** The kind of a canonical joint. */
export function jointKind(role: JointRole): JointKind {
  const part = role.replace(/^(left|right)_/, '');
  if (/^thumb\d$/.test(part)) return 'thumb';
  if (/^(index|middle|ring|pinky)\d$/.test(part)) return 'finger';
  switch (part) {
    case 'pelvis': case 'spine1': case 'spine2': case 'spine3': case 'neck': case 'head': return 'axial';
    case 'collar': return 'collar';
    case 'shoulder': return 'shoulder';
    case 'elbow': return 'elbow';
    case 'wrist': return 'wrist';
    case 'hip': return 'hip';
    case 'knee': return 'knee';
    case 'ankle': return 'ankle';
    case 'foot': return 'toe';
    case 'jaw': return 'jaw';
    default: return 'eye';
  }
}

/** Named angles (degrees) of one joint. */
export type JointAngles = Readonly<Record<string, number>>;

const DEG = Math.PI / 180;

/**
 * Named anatomical angles (degrees) of a canonical joint → its local rotation quaternion
 * [w, x, y, z] in the canonical pose convention. Throws on an angle name the joint lacks.
 */
export function anglesToQuat(role: JointRole, angles: JointAngles): Quat {
  const kind = jointKind(role);
  const table = JOINT_ANGLES[kind] as Record<string, AngleAxis>;
  for (const name of Object.keys(angles)) {
    if (!(name in table)) {
      throw new PersonaError(`joint ${role} (${kind}) has no angle '${name}'; it has: ${Object.keys(table).join(', ') || 'none'}`);
    }
  }
  const right = role.startsWith('right_');
  let q: Quat = [1, 0, 0, 0];
  for (const [name, a] of Object.entries(table)) {
    const deg = angles[name];
    if (!deg) continue;
    // Mirror for the right side: rotations about Y and Z change sign.
    const s = a.sign * (right && a.axis !== 'x' ? -1 : 1);
    const half = (s * deg * DEG) / 2;
    const c = Math.cos(half), sn = Math.sin(half);
    const e: Quat = a.axis === 'x' ? [c, sn, 0, 0] : a.axis === 'y' ? [c, 0, sn, 0] : [c, 0, 0, sn];
    q = quatMultiply(q, e);
  }
  return q;
}
