/**
 * The builtin motion library, authored as keyframes in anatomical angles (degrees) on the
 * canonical T-pose skeleton (see anatomy.ts for what each angle name means; right-side angles
 * mean the mirrored motion, so equal numbers on both sides are symmetric). Every clip starts
 * and ends in NEUTRAL_POSE. PERSONA drives its training video with dance, a rotation and light
 * punches and kicks (Sim & Moon 2025, §4); the rest cover poses that fitting and viewing use.
 */
import { both, merge, type AnglePose, type ClipDef, type Key } from './keyframes.js';
import { MOTION_FPS } from './config.js';

/**
 * The neutral standing pose: arms relaxed 65° below horizontal and a little forward, elbows
 * slightly bent, feet a little apart. Close to the MakeHuman rest A-pose (upper arm 48° below
 * horizontal at the shoulder, clavicle 9° down, elbow bent 43° forward), so clips begin near
 * the body's own rest pose.
 */
export const NEUTRAL_POSE: AnglePose = merge(
  both('collar', { raise: -5 }),
  both('shoulder', { raise: -60, forward: 8 }),
  both('elbow', { flex: 20 }),
  both('hip', { abduct: 3 }),
);

/** A loose fist on one side (finger curls; the thumb folds down over the curled fingers). */
function fist(side: 'left' | 'right', amount = 1): AnglePose {
  const p: Record<string, { curl: number }> = {};
  for (const f of ['index', 'middle', 'ring', 'pinky']) {
    p[`${side}_${f}1`] = { curl: 60 * amount };
    p[`${side}_${f}2`] = { curl: 80 * amount };
    p[`${side}_${f}3`] = { curl: 40 * amount };
  }
  p[`${side}_thumb1`] = { curl: 25 * amount };
  p[`${side}_thumb2`] = { curl: 40 * amount };
  p[`${side}_thumb3`] = { curl: 40 * amount };
  return p as AnglePose;
}

const FISTS = merge(fist('left'), fist('right'));

/** Fighting guard: fists up in front of the chin, knees soft, left foot slightly forward. */
const GUARD: AnglePose = merge(
  FISTS,
  both('shoulder', { raise: -75, forward: 50 }),
  both('elbow', { flex: 125 }),
  both('wrist', { flex: 10 }),
  both('knee', { flex: 12 }),
  both('hip', { flex: 8, abduct: 6 }),
  { spine2: { flex: 5 } },
);

function clip(def: Omit<ClipDef, 'fps' | 'neutral'> & { neutral?: AnglePose }): ClipDef {
  return { fps: MOTION_FPS, neutral: NEUTRAL_POSE, ...def };
}

/** Hold the neutral pose (start or end of a clip). */
function neutralKey(t: number, note = 'neutral stance'): Key {
  return { t, note };
}

const IDLE = clip({
  name: 'idle',
  description: 'standing still, breathing, a small weight shift and a glance to each side (3 s)',
  keys: [
    neutralKey(0),
    { t: 0.8, note: 'weight onto the left leg, head turns left', pose: { pelvis: { side: 3 }, spine2: { side: -3 }, head: { turn: 15 }, spine3: { flex: -2 } } },
    { t: 1.6, note: 'back to centre, slight chest rise (in-breath)', pose: { spine3: { flex: -3 }, head: { flex: -4 } } },
    { t: 2.3, note: 'head turns right', pose: { head: { turn: -15 }, pelvis: { side: -2 }, spine2: { side: 2 } } },
    neutralKey(3),
  ],
});

const TURNAROUND = clip({
  name: 'turnaround',
  description: 'a full 360° turn in place (turntable) with the arms held a little away from the body (4 s)',
  keys: [
    neutralKey(0),
    { t: 0.4, note: 'arms move out so the torso is visible from the side', pose: both('shoulder', { raise: -50, forward: 5 }) },
    { t: 1.45, note: 'quarter turn to the left', pose: merge(both('shoulder', { raise: -50, forward: 5 }), { pelvis: { turn: 90 } }) },
    { t: 2.2, note: 'half turn: the back faces the camera', pose: merge(both('shoulder', { raise: -50, forward: 5 }), { pelvis: { turn: 180 } }) },
    { t: 2.95, note: 'three quarters', pose: merge(both('shoulder', { raise: -50, forward: 5 }), { pelvis: { turn: 270 } }) },
    { t: 3.6, note: 'full turn, arms still out', pose: merge(both('shoulder', { raise: -50, forward: 5 }), { pelvis: { turn: 360 } }) },
    { t: 4, note: 'neutral, facing front again', pose: { pelvis: { turn: 360 } } },
  ],
  ground: true,
});

const ARMS_UP = clip({
  name: 'arms-up',
  description: 'both arms raised sideways to overhead and lowered again (3 s)',
  keys: [
    neutralKey(0),
    { t: 0.7, note: 'arms pass through the T-pose, elbows straightening', pose: merge(both('shoulder', { raise: 0 }), both('elbow', { flex: 5 })) },
    { t: 1.3, note: 'arms overhead, shoulders shrugged up', pose: merge(both('shoulder', { raise: 75 }), both('collar', { raise: 15 }), both('elbow', { flex: 5 }), { head: { flex: -10 } }) },
    { t: 1.8, note: 'hold overhead', pose: merge(both('shoulder', { raise: 75 }), both('collar', { raise: 15 }), both('elbow', { flex: 5 }), { head: { flex: -10 } }) },
    { t: 2.4, note: 'back through the T-pose', pose: merge(both('shoulder', { raise: 0 }), both('elbow', { flex: 5 })) },
    neutralKey(3),
  ],
});

/**
 * Deep squat. The pelvis (whole body) tips forward 25°; the thigh then sits 105 − 25 = 80° in
 * front of vertical, the knee bends 120° so the shin leans 40° forward, and the ankle lifts the
 * toes 40° so the foot stays flat. The arms reach forward for balance.
 */
const SQUAT_DOWN: AnglePose = merge(
  { pelvis: { flex: 25 }, spine2: { flex: 5 }, head: { flex: -20 } },
  both('hip', { flex: 105, abduct: 10, twist: 10 }),
  both('knee', { flex: 120 }),
  both('ankle', { flex: 40 }),
  both('shoulder', { raise: -80, forward: 95 }),
  both('elbow', { flex: 5 }),
);
const SQUAT = clip({
  name: 'squat',
  description: 'a deep squat with arms forward, held, then back up (4 s)',
  keys: [
    neutralKey(0),
    { t: 0.4, note: 'arms start to rise forward', pose: both('shoulder', { raise: -75, forward: 40 }) },
    { t: 1.6, note: 'bottom of the squat', pose: SQUAT_DOWN },
    { t: 2.3, note: 'hold', pose: SQUAT_DOWN },
    { t: 3.5, note: 'standing, arms coming down', pose: both('shoulder', { raise: -70, forward: 30 }) },
    neutralKey(4),
  ],
  ground: true,
  plantFeet: true,
});

const A_POSE_HOLD: AnglePose = merge(both('shoulder', { raise: -45 }), both('hip', { abduct: 6 }), both('collar', { raise: 0 }));
const A_POSE = clip({
  name: 'a-pose',
  description: 'arms straight, 45° below horizontal (about the MakeHuman rest arm angle, 48°), feet apart (2 s)',
  keys: [
    neutralKey(0),
    { t: 0.6, note: 'A-pose: elbows straight, arms 45° down', pose: A_POSE_HOLD },
    { t: 1.4, note: 'hold', pose: A_POSE_HOLD },
    neutralKey(2),
  ],
});

const T_POSE_HOLD: AnglePose = merge(both('shoulder', { raise: 0 }), both('collar', { raise: 0 }), both('hip', { abduct: 0 }));
const T_POSE = clip({
  name: 't-pose',
  description: 'arms straight out to the sides, horizontal; the canonical rest of SMPL-X and most BVH rigs (2 s)',
  keys: [
    neutralKey(0),
    { t: 0.7, note: 'T-pose: every canonical angle zero', pose: T_POSE_HOLD },
    { t: 1.3, note: 'hold', pose: T_POSE_HOLD },
    neutralKey(2),
  ],
});

/** One walking half-cycle key: `lead` leg striking the floor in front. */
function walkPose(lead: 'left' | 'right', phase: 'strike' | 'load' | 'mid', amp: number): AnglePose {
  const trail = lead === 'left' ? 'right' : 'left';
  const s = lead === 'left' ? 1 : -1; // pelvis turns toward the trailing side as the lead leg reaches
  const a = (x: number): number => x * amp;
  const legs: Record<typeof phase, AnglePose> = {
    // Heel strike: lead thigh forward, knee almost straight, toes up; trail leg behind, heel rising.
    strike: {
      [`${lead}_hip`]: { flex: a(22), abduct: 2 }, [`${lead}_knee`]: { flex: a(3) }, [`${lead}_ankle`]: { flex: a(8) },
      [`${trail}_hip`]: { flex: a(-14), abduct: 2 }, [`${trail}_knee`]: { flex: a(24) }, [`${trail}_ankle`]: { flex: a(-6) },
    },
    // Loading: lead knee absorbs, trail toe pushes off.
    load: {
      [`${lead}_hip`]: { flex: a(18), abduct: 2 }, [`${lead}_knee`]: { flex: a(16) }, [`${lead}_ankle`]: { flex: a(2) },
      [`${trail}_hip`]: { flex: a(-10), abduct: 2 }, [`${trail}_knee`]: { flex: a(45) }, [`${trail}_ankle`]: { flex: a(-22) },
    },
    // Mid-stance on the lead leg; the trail leg swings through with the knee bent and toes up.
    mid: {
      [`${lead}_hip`]: { flex: a(2), abduct: 2 }, [`${lead}_knee`]: { flex: a(8) }, [`${lead}_ankle`]: { flex: a(5) },
      [`${trail}_hip`]: { flex: a(25), abduct: 2 }, [`${trail}_knee`]: { flex: a(55) }, [`${trail}_ankle`]: { flex: a(5) },
    },
  };
  const swing = phase === 'strike' ? 1 : phase === 'load' ? 0.6 : 0;
  // Arms swing opposite to the legs: the trailing side's arm forward.
  const arms: AnglePose = {
    [`${trail}_shoulder`]: { raise: -78, forward: a(8 + 22 * swing) }, [`${trail}_elbow`]: { flex: a(15 + 20 * swing) },
    [`${lead}_shoulder`]: { raise: -78, forward: a(8 - 22 * swing) }, [`${lead}_elbow`]: { flex: 12 },
  };
  return merge(legs[phase], arms, { pelvis: { turn: a(5 * s * swing) }, spine3: { turn: a(-7 * s * swing) } });
}

/**
 * Walk: eight steps (0.5 s each, 120 steps/min) along a circle, turning 360° in all, so the body
 * is seen from every side and ends where it started, facing front. Feet are planted, so the
 * body travels by its own steps (about 0.6 m radius for the default body).
 */
function walkKeys(): Key[] {
  const keys: Key[] = [{ ...neutralKey(0), support: 'left' }];
  const STEP = 0.5; // s per step
  const start = 0.5;
  const steps = 8;
  const end = start + (steps - 1) * STEP + 0.3;
  const turn = (t: number): number => (360 * (t - start)) / (end - start);
  for (let i = 0; i < steps; i++) {
    const lead = i % 2 === 0 ? 'right' : 'left';
    const amp = i === 0 || i === steps - 1 ? 0.6 : 1; // shorter first and last steps
    const t0 = start + i * STEP;
    for (const [dt, phase, note] of [[0, 'strike', 'heel strike'], [0.12, 'load', 'leg takes the weight'], [0.3, 'mid', 'mid-stance, other leg swings through']] as const) {
      const pose = walkPose(lead, phase, amp);
      const t = t0 + dt;
      // The lead foot carries the weight from its heel strike to the other foot's.
      keys.push({ t, note: `${lead} ${note}`, pose: merge(pose, { pelvis: { turn: turn(t) + (pose.pelvis?.turn ?? 0) } }), ...(dt === 0 ? { support: lead } : {}) });
    }
  }
  keys.push({ t: end + 0.5, note: 'feet together, stop, facing front again', pose: { pelvis: { turn: 360 } } });
  return keys;
}

const WALK = clip({
  name: 'walk',
  description: 'eight steps around a small circle (a full turn) at 120 steps/min with arm swing, from standing to standing (4.8 s)',
  keys: walkKeys(),
  ground: true,
  plantFeet: true,
  smoothPath: 0.5, // one step: an even pace (feet slip a few centimetres)
});

/** Dance: hip sway, bouncing knees, arm waves overhead and a quarter turn each way. */
const BOUNCE = both('knee', { flex: 18 });
const DANCE = clip({
  name: 'dance',
  description: 'bouncing sway with arm waves, a point up and a quarter turn each way (6 s)',
  keys: [
    neutralKey(0),
    { t: 0.5, note: 'knees bounce, hips sway right, arms bend up at the sides', pose: merge(BOUNCE, both('hip', { flex: 10 }), { pelvis: { side: -6 }, spine2: { side: 8 } }, both('shoulder', { raise: -40, forward: 20 }), both('elbow', { flex: 90 })) },
    { t: 1.0, note: 'up, hips sway left, arms swing across', pose: merge({ pelvis: { side: 6 }, spine2: { side: -8 } }, both('shoulder', { raise: -35, forward: 40 }), both('elbow', { flex: 70 })) },
    { t: 1.5, note: 'bounce, right arm up and waving out, left hand on the hip', pose: merge(BOUNCE, both('hip', { flex: 10 }), { pelvis: { side: -6 }, head: { turn: -15 } }, { right_shoulder: { raise: 70, forward: 10 }, right_elbow: { flex: 30 }, right_wrist: { deviate: 20 } }, { left_shoulder: { raise: -55, forward: -10 }, left_elbow: { flex: 100 }, left_wrist: { flex: 20 } }) },
    { t: 2.0, note: 'up, wave back in, quarter turn to the left', pose: merge({ pelvis: { turn: 45, side: 6 } }, { right_shoulder: { raise: 60, forward: 25 }, right_elbow: { flex: 60 }, right_wrist: { deviate: -20 } }, { left_shoulder: { raise: -55, forward: -10 }, left_elbow: { flex: 100 } }) },
    { t: 2.6, note: 'facing left, both arms overhead, knees bent', pose: merge(BOUNCE, both('hip', { flex: 12 }), { pelvis: { turn: 90 } }, both('shoulder', { raise: 70, forward: 15 }), both('elbow', { flex: 25 }), both('collar', { raise: 12 })) },
    { t: 3.2, note: 'turn back through the front, arms down and out', pose: merge({ pelvis: { turn: 10, side: -5 } }, both('shoulder', { raise: -25, forward: 15 }), both('elbow', { flex: 40 })) },
    { t: 3.8, note: 'facing right, left arm points up-forward, right fist pulls in', pose: merge(BOUNCE, both('hip', { flex: 10 }), { pelvis: { turn: -80 }, spine3: { turn: 10 }, head: { turn: 15, flex: -10 } }, { left_shoulder: { raise: 40, forward: 60 }, left_elbow: { flex: 5 } }, { right_shoulder: { raise: -70, forward: 40 }, right_elbow: { flex: 120 } }, fist('right', 0.8)) },
    { t: 4.4, note: 'back to the front, hips sway left, arms bend up', pose: merge({ pelvis: { turn: -10, side: 6 }, spine2: { side: -8 } }, both('shoulder', { raise: -40, forward: 20 }), both('elbow', { flex: 90 })) },
    { t: 4.9, note: 'bounce, hips sway right', pose: merge(BOUNCE, both('hip', { flex: 10 }), { pelvis: { side: -6 }, spine2: { side: 8 } }, both('shoulder', { raise: -45, forward: 30 }), both('elbow', { flex: 80 })) },
    { t: 5.4, note: 'settle', pose: both('shoulder', { raise: -55, forward: 10 }) },
    neutralKey(6),
  ],
  ground: true,
  plantFeet: false, // turning on a planted foot would carry the dancer away
});

const PUNCH_R = merge(GUARD, { right_shoulder: { raise: -88, forward: 88 }, right_elbow: { flex: 5 }, right_wrist: { flex: 0 }, right_collar: { forward: 15 }, spine3: { turn: 25 }, pelvis: { turn: 10 } });
const PUNCH_L = merge(GUARD, { left_shoulder: { raise: -88, forward: 88 }, left_elbow: { flex: 5 }, left_wrist: { flex: 0 }, left_collar: { forward: 15 }, spine3: { turn: -25 }, pelvis: { turn: -10 } });
/** Front kick with the right leg: chamber (knee up), extend, re-chamber; lean back for balance. */
const KICK_CHAMBER = merge(GUARD, { right_hip: { flex: 80 }, right_knee: { flex: 95 }, right_ankle: { flex: -20 }, left_knee: { flex: 10 }, pelvis: { flex: -8 } });
const KICK_OUT = merge(GUARD, { right_hip: { flex: 75 }, right_knee: { flex: 10 }, right_ankle: { flex: -10 }, left_knee: { flex: 8 }, pelvis: { flex: -15 }, spine2: { flex: 5 } });
/** Low side kick with the left leg. */
const SIDE_CHAMBER = merge(GUARD, { left_hip: { flex: 50, abduct: 20 }, left_knee: { flex: 80 }, pelvis: { side: -8, turn: -20 } });
const SIDE_OUT = merge(GUARD, { left_hip: { flex: 20, abduct: 45, twist: -15 }, left_knee: { flex: 8 }, left_ankle: { flex: 10 }, pelvis: { side: -15, turn: -25 }, spine2: { side: 10 } });

const PUNCH_KICK = clip({
  name: 'punch-kick',
  description: 'guard, light right and left punches, a right front kick and a low left side kick (5.6 s)',
  keys: [
    neutralKey(0),
    { t: 0.6, note: 'guard: fists up by the chin', pose: GUARD },
    { t: 1.0, note: 'right straight punch, torso turns into it', pose: PUNCH_R },
    { t: 1.4, note: 'back to guard', pose: GUARD },
    { t: 1.8, note: 'left straight punch', pose: PUNCH_L },
    { t: 2.2, note: 'guard; the left foot takes the weight for the kick', pose: GUARD, support: 'left' },
    { t: 2.6, note: 'right knee up (kick chamber)', pose: KICK_CHAMBER },
    { t: 2.95, note: 'right front kick, leg extended', pose: KICK_OUT },
    { t: 3.3, note: 're-chamber', pose: KICK_CHAMBER },
    { t: 3.7, note: 'foot down, guard; the right foot takes the weight', pose: GUARD, support: 'right' },
    { t: 4.1, note: 'left knee up and out (side-kick chamber)', pose: SIDE_CHAMBER },
    { t: 4.45, note: 'low left side kick', pose: SIDE_OUT },
    { t: 4.85, note: 'foot down, guard', pose: GUARD, support: 'auto' },
    neutralKey(5.6),
  ],
  ground: true,
  plantFeet: true,
});

/** Every builtin clip, by name. */
export const BUILTIN_CLIPS: readonly ClipDef[] = [TURNAROUND, DANCE, PUNCH_KICK, WALK, ARMS_UP, SQUAT, A_POSE, T_POSE, IDLE];
