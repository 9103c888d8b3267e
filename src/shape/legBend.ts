/**
 * How straight the photo's legs hang, which decides how fully a garment spanning them is hung from the waist
 * (SHAPE_CONFIG.waistHangLift, docs/shape.md "A skirt, dress or coat hangs from the waist"), and whether the legs are carved
 * apart from the trunk (SHAPE_CONFIG.legSplitLift, partition.ts).
 */
import type { ShapeConfig } from './config.js';

type JointAt = (name: string) => [number, number, number];

/**
 * How far the photo's legs are from hanging straight down (degrees): the largest, over both legs, of the thigh's angle
 * (hip → knee joint) from the trunk's down direction and the knee's bend (thigh against shin, knee → ankle joint).
 */
export function legBend(joint: JointAt, up: readonly number[]): number {
  const down = [-up[0]!, -up[1]!, -up[2]!];
  let worst = 0;
  for (const side of ['l', 'r']) {
    const hip = joint(`thigh_${side}`), knee = joint(`calf_${side}`), ankle = joint(`foot_${side}`);
    const thigh = [knee[0] - hip[0], knee[1] - hip[1], knee[2] - hip[2]], shin = [ankle[0] - knee[0], ankle[1] - knee[1], ankle[2] - knee[2]];
    worst = Math.max(worst, angle(thigh, down), angle(thigh, shin));
  }
  return worst;
}

/**
 * Whether a thigh (hip → knee joint) is lifted towards the camera: at least `legSplitLift`° from the trunk's down direction and at
 * least `legSplitDepth`° out of the image plane (seen from `eye`, the camera's centre). Such a thigh lies in front of the trunk in
 * the photo — a sitting person's lap before the belly — and is carved with it unless the legs are parts of their own. A thigh
 * lifted across the image (a kick to the side) lies beside the trunk, and a coat flying around it stays one surface.
 */
export function thighLiftedTowardsCamera(joint: JointAt, up: readonly number[], eye: readonly number[], cfg: Pick<ShapeConfig, 'legSplitLift' | 'legSplitDepth'>): boolean {
  const down = [-up[0]!, -up[1]!, -up[2]!];
  return ['l', 'r'].some((side) => {
    const hip = joint(`thigh_${side}`), knee = joint(`calf_${side}`);
    const thigh = [knee[0] - hip[0], knee[1] - hip[1], knee[2] - hip[2]], ray = [hip[0] - eye[0]!, hip[1] - eye[1]!, hip[2] - eye[2]!];
    return angle(thigh, down) >= cfg.legSplitLift && Math.abs(90 - angle(thigh, ray)) >= cfg.legSplitDepth;
  });
}

/** Unsigned angle between two vectors (degrees); 0 when either is zero. */
function angle(a: readonly number[], b: readonly number[]): number {
  const na = Math.hypot(a[0]!, a[1]!, a[2]!), nb = Math.hypot(b[0]!, b[1]!, b[2]!);
  if (!(na > 1e-9 && nb > 1e-9)) return 0;
  const cos = (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / (na * nb);
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
}

/** 1 while the legs bend (legBend) at most `waistHangLift[0]`°, 0 beyond `[1]`°, smooth between. */
export function waistHangShare(liftDeg: number, cfg: ShapeConfig): number {
  const [full, none] = cfg.waistHangLift;
  const u = Math.max(0, Math.min(1, (liftDeg - full) / (none - full)));
  return 1 - u * u * (3 - 2 * u);
}
