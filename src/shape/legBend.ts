/**
 * How straight the photo's legs hang, which decides how fully a garment spanning them is hung from the waist
 * (SHAPE_CONFIG.waistHangLift, docs/shape.md "A skirt, dress or coat hangs from the waist").
 */
import type { ShapeConfig } from './config.js';

/**
 * How far the photo's legs are from hanging straight down (degrees): the largest, over both legs, of the thigh's angle
 * (hip → knee joint) from the trunk's down direction and the knee's bend (thigh against shin, knee → ankle joint).
 */
export function legBend(joint: (name: string) => [number, number, number], up: readonly number[]): number {
  const angle = (a: readonly number[], b: readonly number[]): number => {
    const na = Math.hypot(a[0]!, a[1]!, a[2]!), nb = Math.hypot(b[0]!, b[1]!, b[2]!);
    if (!(na > 1e-9 && nb > 1e-9)) return 0;
    const cos = (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / (na * nb);
    return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
  };
  const down = [-up[0]!, -up[1]!, -up[2]!];
  let worst = 0;
  for (const side of ['l', 'r']) {
    const hip = joint(`thigh_${side}`), knee = joint(`calf_${side}`), ankle = joint(`foot_${side}`);
    const thigh = [knee[0] - hip[0], knee[1] - hip[1], knee[2] - hip[2]], shin = [ankle[0] - knee[0], ankle[1] - knee[1], ankle[2] - knee[2]];
    worst = Math.max(worst, angle(thigh, down), angle(thigh, shin));
  }
  return worst;
}

/** 1 while the legs bend (legBend) at most `waistHangLift[0]`°, 0 beyond `[1]`°, smooth between. */
export function waistHangShare(liftDeg: number, cfg: ShapeConfig): number {
  const [full, none] = cfg.waistHangLift;
  const u = Math.max(0, Math.min(1, (liftDeg - full) / (none - full)));
  return 1 - u * u * (3 - 2 * u);
}
