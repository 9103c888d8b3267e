/**
 * Pose-offset worker: evaluates the avatar's pose-driven offset MLP on its anchors (src/avatar/pose.ts
 * anchorPoseOffsets) for one pose per request, off the main thread. The page caches the answers per motion
 * frame, so a looping motion is computed once (progressive pre-baking).
 */
import { anchorPoseOffsets, createPoseScratch, type PosableAvatar, type PoseScratch } from '../../avatar/pose.js';

/** Messages the offset worker accepts. */
export type OffsetRequest =
  | { type: 'init'; avatar: PosableAvatar }
  | { type: 'offsets'; key: string; rotations: Float64Array };
/** The offset worker's answer: A×3 anchor offsets for `key`. */
export interface OffsetResult { type: 'offsets'; key: string; offsets: Float32Array; ms: number }

let avatar: PosableAvatar | null = null;
let scratch: PoseScratch | null = null;

self.onmessage = (e: MessageEvent<OffsetRequest>) => {
  const m = e.data;
  if (m.type === 'init') {
    avatar = m.avatar;
    scratch = createPoseScratch(avatar);
    return;
  }
  if (!avatar || !scratch) return;
  const t0 = performance.now();
  const offsets = anchorPoseOffsets(avatar, m.rotations, scratch).slice();
  const msg: OffsetResult = { type: 'offsets', key: m.key, offsets, ms: performance.now() - t0 };
  (self as unknown as Worker).postMessage(msg, [offsets.buffer]);
};
