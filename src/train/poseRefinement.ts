/**
 * Per-frame pose refinement. PERSONA optimises the SMPL-X parameters of every training frame together with
 * the avatar (PERSONA_RELEASE avatar/main/model.py: `smplx_param_dict` is among the optimised parameters,
 * lr `cfg.smplx_param_lr` = 1e-3): a generated frame whose estimated pose is a little off is then explained
 * by a small pose change rather than by bending the avatar, and the photo's fitted pose is corrected
 * against the photo itself. Each frame owns two tensors — body joints + root translation, and finger
 * joints (a tenth of the lr, config.ts) — stepped by Adam only on the iterations that see the frame.
 */
import type { BodyPose } from '../body/index.js';
import type { Param } from '../nn/index.js';
import type { PoseGradient } from './model.js';
import type { ParamGroup } from '../nn/index.js';
import { FINGER_LR_FACTOR } from './config.js';

/** Finger joints (their learning rate is FINGER_LR_FACTOR × the pose's: config.ts). */
const FINGER_JOINT = /^(index|middle|ring|pinky|thumb)_/;

/** The refinable pose of one frame. */
export interface FramePose {
  id: string;
  /** Body joint rotations (axis-angle, in `bodyJoints` order) then the root translation. */
  body: Param;
  /** Finger joint rotations (axis-angle, in `fingerJoints` order). */
  fingers: Param;
}

/** Per-frame pose parameters of a training set. */
export class FramePoses {
  readonly frames: FramePose[];
  private readonly bodyJoints: number[];
  private readonly fingerJoints: number[];

  constructor(jointNames: readonly string[], frames: ReadonlyArray<{ id: string; pose: BodyPose }>) {
    this.bodyJoints = [], this.fingerJoints = [];
    jointNames.forEach((n, j) => (FINGER_JOINT.test(n) ? this.fingerJoints : this.bodyJoints).push(j));
    this.frames = frames.map((f) => {
      const body = new Float32Array(this.bodyJoints.length * 3 + 3), fingers = new Float32Array(this.fingerJoints.length * 3);
      this.bodyJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) body[k * 3 + a] = f.pose.rotations[j * 3 + a]!; });
      for (let a = 0; a < 3; a++) body[this.bodyJoints.length * 3 + a] = f.pose.translation[a]!;
      this.fingerJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) fingers[k * 3 + a] = f.pose.rotations[j * 3 + a]!; });
      return {
        id: f.id,
        body: { name: `pose.${f.id}.body`, value: body, grad: new Float32Array(body.length) },
        fingers: { name: `pose.${f.id}.fingers`, value: fingers, grad: new Float32Array(fingers.length) },
      };
    });
  }

  /** The current pose of frame `index`. */
  pose(index: number): BodyPose {
    const f = this.frames[index]!, J = this.bodyJoints.length + this.fingerJoints.length;
    const rotations = new Float64Array(J * 3);
    this.bodyJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) rotations[j * 3 + a] = f.body.value[k * 3 + a]!; });
    this.fingerJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) rotations[j * 3 + a] = f.fingers.value[k * 3 + a]!; });
    const t = this.bodyJoints.length * 3;
    return { rotations, translation: [f.body.value[t]!, f.body.value[t + 1]!, f.body.value[t + 2]!] };
  }

  /** An empty gradient to pass to the avatar's backward pass. */
  emptyGradient(): PoseGradient {
    return { rotations: new Float64Array((this.bodyJoints.length + this.fingerJoints.length) * 3), translation: new Float64Array(3) };
  }

  /** Writes a pose gradient into frame `index`'s tensors (replacing their gradients). */
  setGradient(index: number, g: PoseGradient): void {
    const f = this.frames[index]!;
    this.bodyJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) f.body.grad[k * 3 + a] = g.rotations[j * 3 + a]!; });
    for (let a = 0; a < 3; a++) f.body.grad[this.bodyJoints.length * 3 + a] = g.translation[a]!;
    this.fingerJoints.forEach((j, k) => { for (let a = 0; a < 3; a++) f.fingers.grad[k * 3 + a] = g.rotations[j * 3 + a]!; });
  }

  /** Adam groups: two per frame (`pose:<id>` at `lr`, `poseFingers:<id>` at lr × FINGER_LR_FACTOR). */
  groups(lr: number): ParamGroup[] {
    return this.frames.flatMap((f) => [
      { name: FramePoses.groupName(f.id), params: [f.body], lr },
      { name: FramePoses.fingerGroupName(f.id), params: [f.fingers], lr: lr * FINGER_LR_FACTOR },
    ]);
  }

  /** Every tensor (for checkpoints). */
  params(): Param[] {
    return this.frames.flatMap((f) => [f.body, f.fingers]);
  }

  static groupName(id: string): string { return `pose:${id}`; }
  static fingerGroupName(id: string): string { return `poseFingers:${id}`; }
}
