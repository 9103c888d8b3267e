/**
 * Joint names for rigged exports. The avatar's joints get canonical roles (src/motion `assignRoles`, which
 * knows SMPL-X, the MPFB2 game-engine rig, Mixamo, CMU and common BVH names); each role is then written in
 * the chosen convention. Joints without a role (twist bones, extra toes) keep their own names.
 * - `unreal`: the UE mannequin names the MPFB2 game-engine rig uses (pelvis, spine_01, thigh_l, …);
 * - `mixamo`: `mixamorig:Hips`, `mixamorig:LeftUpLeg`, … (what Mixamo FBX/BVH carry and retargeters expect);
 * - `vrm`: the VRM 1.0 humanoid bone names (hips, leftUpperLeg, …; VRMC_vrm humanoid.md).
 */
import { assignRoles, type JointRole } from '../motion/index.js';

export const SKELETON_NAMINGS = ['unreal', 'mixamo', 'vrm'] as const;
export type SkeletonNaming = (typeof SKELETON_NAMINGS)[number];

const FINGERS = ['thumb', 'index', 'middle', 'ring', 'pinky'] as const;
const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

const AXIAL: Record<string, Record<SkeletonNaming, string>> = {
  pelvis: { unreal: 'pelvis', mixamo: 'Hips', vrm: 'hips' },
  spine1: { unreal: 'spine_01', mixamo: 'Spine', vrm: 'spine' },
  spine2: { unreal: 'spine_02', mixamo: 'Spine1', vrm: 'chest' },
  spine3: { unreal: 'spine_03', mixamo: 'Spine2', vrm: 'upperChest' },
  neck: { unreal: 'neck_01', mixamo: 'Neck', vrm: 'neck' },
  head: { unreal: 'head', mixamo: 'Head', vrm: 'head' },
  jaw: { unreal: 'jaw', mixamo: 'Jaw', vrm: 'jaw' },
};
/** Limb roles (without side) → [unreal stem, mixamo stem, vrm stem]. */
const LIMB: Record<string, [string, string, string]> = {
  collar: ['clavicle', 'Shoulder', 'Shoulder'], shoulder: ['upperarm', 'Arm', 'UpperArm'], elbow: ['lowerarm', 'ForeArm', 'LowerArm'],
  wrist: ['hand', 'Hand', 'Hand'], hip: ['thigh', 'UpLeg', 'UpperLeg'], knee: ['calf', 'Leg', 'LowerLeg'],
  ankle: ['foot', 'Foot', 'Foot'], foot: ['ball', 'ToeBase', 'Toes'], eye: ['eye', 'Eye', 'Eye'],
};
/** VRM 1.0 finger segments: the thumb has a metacarpal, the others proximal/intermediate/distal. */
const VRM_SEGMENTS: Record<string, [string, string, string]> = {
  thumb: ['Metacarpal', 'Proximal', 'Distal'], index: ['Proximal', 'Intermediate', 'Distal'], middle: ['Proximal', 'Intermediate', 'Distal'],
  ring: ['Proximal', 'Intermediate', 'Distal'], pinky: ['Proximal', 'Intermediate', 'Distal'],
};
const VRM_FINGER: Record<string, string> = { thumb: 'Thumb', index: 'Index', middle: 'Middle', ring: 'Ring', pinky: 'Little' };

/** A canonical role's name in a convention (undefined if the convention has no such joint). */
export function roleName(role: JointRole, naming: SkeletonNaming): string {
  const axial = AXIAL[role];
  if (axial) return naming === 'mixamo' ? `mixamorig:${axial.mixamo}` : axial[naming];
  const m = /^(left|right)_([a-z]+?)([123]?)$/.exec(role);
  if (!m) return role;
  const side = m[1]!, part = m[2]!, k = m[3] ? Number(m[3]) : 0;
  const S = cap(side), s = side[0]!;
  if ((FINGERS as readonly string[]).includes(part) && k > 0) {
    if (naming === 'unreal') return `${part}_0${k}_${s}`;
    if (naming === 'mixamo') return `mixamorig:${S}Hand${cap(part)}${k}`;
    return `${side}${VRM_FINGER[part]}${VRM_SEGMENTS[part]![k - 1]}`;
  }
  const limb = LIMB[part];
  if (!limb) return role;
  if (naming === 'unreal') return `${limb[0]}_${s}`;
  if (naming === 'mixamo') return `mixamorig:${S}${limb[1]}`;
  return `${side}${limb[2]}`;
}

/**
 * The avatar's joint names in `naming`, plus each joint's role (null for joints without one). Names stay
 * unique: a joint without a role whose own name collides with a renamed one gets a `_1` suffix.
 */
export function exportJointNames(names: readonly string[], naming: SkeletonNaming): { names: string[]; roles: Array<JointRole | null> } {
  const { roles } = assignRoles(names);
  const out = names.map((n, j) => (roles[j] ? roleName(roles[j]!, naming) : n));
  const seen = new Set<string>();
  out.forEach((n, j) => {
    let name = n, k = 1;
    while (seen.has(name)) name = `${n}_${k++}`;
    out[j] = name;
    seen.add(name);
  });
  return { names: out, roles };
}
