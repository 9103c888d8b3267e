/**
 * Joint naming: the canonical joint roles (the SMPL-X joint order, used as the lingua franca
 * between skeletons) and the tables that map the names of other skeletons onto them
 * (MakeHuman/MPFB2 `game_engine`, Mixamo, CMU, common BVH conventions).
 */

/** SMPL-X joint order (55 joints): 22 body, jaw, 2 eyes, 15 left-hand and 15 right-hand finger joints. */
export const SMPLX_JOINTS = [
  'pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2', 'left_ankle', 'right_ankle',
  'spine3', 'left_foot', 'right_foot', 'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder',
  'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'jaw', 'left_eye', 'right_eye',
  'left_index1', 'left_index2', 'left_index3', 'left_middle1', 'left_middle2', 'left_middle3',
  'left_pinky1', 'left_pinky2', 'left_pinky3', 'left_ring1', 'left_ring2', 'left_ring3',
  'left_thumb1', 'left_thumb2', 'left_thumb3',
  'right_index1', 'right_index2', 'right_index3', 'right_middle1', 'right_middle2', 'right_middle3',
  'right_pinky1', 'right_pinky2', 'right_pinky3', 'right_ring1', 'right_ring2', 'right_ring3',
  'right_thumb1', 'right_thumb2', 'right_thumb3',
] as const;
/** A canonical joint role (an SMPL-X joint name). */
export type JointRole = (typeof SMPLX_JOINTS)[number];

/** SMPL-X parents (index into SMPLX_JOINTS, −1 for the pelvis). */
export const SMPLX_PARENTS: readonly number[] = (() => {
  const p = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 15, 15, 15];
  for (const wrist of [20, 21]) {
    for (let f = 0; f < 5; f++) {
      const base = p.length;
      p.push(wrist, base, base + 1);
    }
  }
  return p;
})();

/** SMPL-H joint order (52 joints, as AMASS `poses` F×156): the 22 body joints then the 30 finger joints. */
export const SMPLH_JOINTS: readonly JointRole[] = [...SMPLX_JOINTS.slice(0, 22), ...SMPLX_JOINTS.slice(25)];

const FINGERS = ['index', 'middle', 'ring', 'pinky', 'thumb'] as const;
const SIDES = [['l', 'left', 'Left'], ['r', 'right', 'Right']] as const;

/** A naming family: how one tool names the skeleton joints. */
export interface NamingFamily {
  name: string;
  /** Joint name (as the tool writes it, compared case-insensitively) → canonical role. */
  map: Record<string, JointRole>;
}

function family(name: string, entries: Array<[string, JointRole]>): NamingFamily {
  const map: Record<string, JointRole> = {};
  for (const [k, v] of entries) map[k.toLowerCase()] = v;
  return { name, map };
}

function sided(build: (s: (typeof SIDES)[number], side: 'left' | 'right') => Array<[string, JointRole]>): Array<[string, JointRole]> {
  return [...build(SIDES[0], 'left'), ...build(SIDES[1], 'right')];
}

/** SMPL-X / SMPL-H names map to themselves. */
const SMPLX_FAMILY = family('smplx', SMPLX_JOINTS.map((n) => [n, n] as [string, JointRole]));

/** MakeHuman / MPFB2 `game_engine` rig (the default body model of this project). */
const GAME_ENGINE_FAMILY = family('game_engine', [
  ['pelvis', 'pelvis'], ['spine_01', 'spine1'], ['spine_02', 'spine2'], ['spine_03', 'spine3'],
  ['neck_01', 'neck'], ['head', 'head'], ['jaw', 'jaw'],
  ...sided(([s], side) => [
    [`clavicle_${s}`, `${side}_collar`], [`upperarm_${s}`, `${side}_shoulder`], [`lowerarm_${s}`, `${side}_elbow`],
    [`hand_${s}`, `${side}_wrist`], [`thigh_${s}`, `${side}_hip`], [`calf_${s}`, `${side}_knee`],
    [`foot_${s}`, `${side}_ankle`], [`ball_${s}`, `${side}_foot`], [`eye_${s}`, `${side}_eye`],
    ...FINGERS.flatMap((f) => [1, 2, 3].map((k) => [`${f}_0${k}_${s}`, `${side}_${f}${k}`] as [string, JointRole])),
  ] as Array<[string, JointRole]>),
]);

/** Mixamo (after the `mixamorig:` prefix is stripped). */
const MIXAMO_FAMILY = family('mixamo', [
  ['Hips', 'pelvis'], ['Spine', 'spine1'], ['Spine1', 'spine2'], ['Spine2', 'spine3'], ['Neck', 'neck'], ['Head', 'head'],
  ...sided(([, , S], side) => [
    [`${S}Shoulder`, `${side}_collar`], [`${S}Arm`, `${side}_shoulder`], [`${S}ForeArm`, `${side}_elbow`],
    [`${S}Hand`, `${side}_wrist`], [`${S}UpLeg`, `${side}_hip`], [`${S}Leg`, `${side}_knee`], [`${S}Foot`, `${side}_ankle`],
    [`${S}ToeBase`, `${side}_foot`],
    ...FINGERS.flatMap((f) => [1, 2, 3].map((k) => [`${S}Hand${f[0]!.toUpperCase()}${f.slice(1)}${k}`, `${side}_${f}${k}`] as [string, JointRole])),
  ] as Array<[string, JointRole]>),
]);

/** CMU motion-capture BVH conversions (LHipJoint, LowerBack, Neck1, …; LHipJoint, Neck1 and LeftFingerBase act through their children). */
const CMU_FAMILY = family('cmu', [
  ['Hips', 'pelvis'], ['LowerBack', 'spine1'], ['Spine', 'spine2'], ['Spine1', 'spine3'], ['Neck', 'neck'], ['Head', 'head'],
  ...sided(([, , S], side) => [
    [`${S}Shoulder`, `${side}_collar`], [`${S}Arm`, `${side}_shoulder`], [`${S}ForeArm`, `${side}_elbow`],
    [`${S}Hand`, `${side}_wrist`], [`${S}UpLeg`, `${side}_hip`], [`${S}Leg`, `${side}_knee`], [`${S}Foot`, `${side}_ankle`],
    [`${S}ToeBase`, `${side}_foot`], [`${S}HandIndex1`, `${side}_index1`], [`${S[0]}Thumb`, `${side}_thumb1`],
  ] as Array<[string, JointRole]>),
]);

/** Common BVH naming (Poser/DAZ style `lShldr`, Second Life style `mShoulderLeft`, and plain English). */
const GENERIC_FAMILY = family('generic', [
  ['hip', 'pelvis'], ['hips', 'pelvis'], ['pelvis', 'pelvis'], ['mPelvis', 'pelvis'],
  ['abdomen', 'spine1'], ['mTorso', 'spine1'], ['spine', 'spine1'], ['chest', 'spine3'], ['mChest', 'spine3'],
  ['neck', 'neck'], ['mNeck', 'neck'], ['head', 'head'], ['mHead', 'head'],
  ...sided(([s, , S], side) => [
    [`${s}Collar`, `${side}_collar`], [`mCollar${S}`, `${side}_collar`], [`${S}Collar`, `${side}_collar`], [`${S}Clavicle`, `${side}_collar`],
    [`${s}Shldr`, `${side}_shoulder`], [`mShoulder${S}`, `${side}_shoulder`], [`${S}UpperArm`, `${side}_shoulder`],
    [`${s}ForeArm`, `${side}_elbow`], [`mElbow${S}`, `${side}_elbow`], [`${S}LowerArm`, `${side}_elbow`], [`${S}Elbow`, `${side}_elbow`],
    [`${s}Hand`, `${side}_wrist`], [`mWrist${S}`, `${side}_wrist`], [`${S}Wrist`, `${side}_wrist`], [`${S}Hand`, `${side}_wrist`],
    [`${s}Thigh`, `${side}_hip`], [`mHip${S}`, `${side}_hip`], [`${S}Hip`, `${side}_hip`], [`${S}Thigh`, `${side}_hip`], [`${S}UpperLeg`, `${side}_hip`],
    [`${s}Shin`, `${side}_knee`], [`mKnee${S}`, `${side}_knee`], [`${S}Knee`, `${side}_knee`], [`${S}Shin`, `${side}_knee`], [`${S}LowerLeg`, `${side}_knee`],
    [`${s}Foot`, `${side}_ankle`], [`mAnkle${S}`, `${side}_ankle`], [`${S}Ankle`, `${side}_ankle`], [`${S}Foot`, `${side}_ankle`],
    [`${s}Toe`, `${side}_foot`], [`${S}Toe`, `${side}_foot`], [`${S}Toes`, `${side}_foot`],
  ] as Array<[string, JointRole]>),
]);

/** Every known naming family, tried in this order. */
export const NAMING_FAMILIES: readonly NamingFamily[] = [SMPLX_FAMILY, GAME_ENGINE_FAMILY, MIXAMO_FAMILY, CMU_FAMILY, GENERIC_FAMILY];

/** Strips a namespace prefix (`mixamorig:Hips` → `Hips`, `Character1_Hips` is left alone). */
export function stripNamespace(name: string): string {
  const i = name.lastIndexOf(':');
  return i >= 0 ? name.slice(i + 1) : name;
}

/**
 * Maps each joint name to a canonical role, using the naming family that recognizes the most
 * names (so `Spine` means Mixamo's lowest spine joint in a Mixamo skeleton and CMU's middle one
 * in a CMU skeleton). Unrecognized names map to null. Each role is assigned at most once.
 */
export function assignRoles(names: readonly string[]): { family: string; roles: Array<JointRole | null> } {
  let best: NamingFamily = NAMING_FAMILIES[0]!;
  let bestCount = -1;
  const keys = names.map((n) => stripNamespace(n).toLowerCase());
  for (const fam of NAMING_FAMILIES) {
    const count = keys.reduce((c, k) => c + (fam.map[k] !== undefined ? 1 : 0), 0);
    if (count > bestCount) { best = fam; bestCount = count; }
  }
  // First the chosen family, then the generic table for names it does not know.
  const used = new Set<JointRole>();
  const roles: Array<JointRole | null> = keys.map((k) => {
    const r = best.map[k];
    if (r === undefined || used.has(r)) return null;
    used.add(r);
    return r;
  });
  keys.forEach((k, i) => {
    const r = GENERIC_FAMILY.map[k];
    if (roles[i] === null && r !== undefined && !used.has(r)) { roles[i] = r; used.add(r); }
  });
  return { family: best.name, roles };
}

/** The role on the other side of the body (`left_knee` ↔ `right_knee`); axial roles map to themselves. */
export function mirrorRole(role: JointRole): JointRole {
  if (role.startsWith('left_')) return ('right_' + role.slice(5)) as JointRole;
  if (role.startsWith('right_')) return ('left_' + role.slice(6)) as JointRole;
  return role;
}

/**
 * The role whose rest position, seen from a joint of role `role`, gives that joint's bone
 * direction (used for rest-pose alignment). Null for axial joints (pelvis, spine, neck, head,
 * jaw, eyes), whose rest directions are left as they are, and for finger tips.
 */
export function boneEndRole(role: JointRole): JointRole | null {
  const m = /^(left|right)_(.+)$/.exec(role);
  if (!m) return null;
  const side = m[1]!, part = m[2]!;
  const next: Record<string, string> = {
    hip: 'knee', knee: 'ankle', ankle: 'foot', collar: 'shoulder', shoulder: 'elbow', elbow: 'wrist', wrist: 'middle1',
  };
  if (next[part]) return `${side}_${next[part]}` as JointRole;
  const f = /^(index|middle|ring|pinky|thumb)([12])$/.exec(part);
  if (f) return `${side}_${f[1]}${Number(f[2]) + 1}` as JointRole;
  return null;
}

/**
 * For joints whose roll about the bone matters and can be read from the rest pose, two roles
 * whose difference gives a direction across the bone (the wrist: index knuckle → little-finger
 * knuckle, i.e. across the palm). Null for other joints.
 */
export function boneAcrossRoles(role: JointRole): [JointRole, JointRole] | null {
  const m = /^(left|right)_wrist$/.exec(role);
  return m ? [`${m[1]}_index1` as JointRole, `${m[1]}_pinky1` as JointRole] : null;
}
