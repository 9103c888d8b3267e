/**
 * Pose-driven offsets for the page: bakes A×3 anchor offsets per motion frame in a worker (coarse to fine,
 * src/viewer/offsetSchedule.ts), keeps them per motion, and blends the nearest baked frames around the
 * playhead. After one pass a looping motion costs only a blend and a small texture upload per frame.
 */
import type { PosableAvatar } from '../../avatar/pose.js';
import { samplePose, type BoundMotion } from '../motionPlayer.js';
import { bakeOrder, bracket } from '../offsetSchedule.js';
import type { OffsetRequest, OffsetResult } from './offsetWorker.js';

/** Memory budget for baked offsets (all motions together). */
const CACHE_BYTES = 256 * 1024 * 1024;

export class OffsetBaker {
  private readonly worker: Worker;
  private readonly baked = new Map<string, Array<Float32Array | undefined>>();
  private bytes = 0;
  private motion: { name: string; bound: BoundMotion | null; frames: Array<Float32Array | undefined>; order: Int32Array; next: number };
  private inflight = false;
  private readonly blend: Float32Array;
  private readonly rot: Float64Array;
  private readonly trans = new Float64Array(3);
  private readonly anchorBytes: number;
  /** Mean worker time per pose (ms). */
  meanMs = 0;
  /** Frames of the current motion baked so far. */
  bakedFrames = 0;

  constructor(avatar: PosableAvatar, jointCount: number) {
    this.worker = new Worker(new URL('./offsetWorker.ts', import.meta.url), { type: 'module' });
    const keep: PosableAvatar['buffers'] = {};
    for (const [k, v] of Object.entries(avatar.buffers)) if (k.startsWith('anchor') || k.startsWith('mlp.')) keep[k] = v.slice();
    this.worker.postMessage({ type: 'init', avatar: { header: avatar.header, buffers: keep } } satisfies OffsetRequest);
    const A = avatar.header.poseOffsets!.anchorCount;
    this.anchorBytes = A * 12;
    this.blend = new Float32Array(A * 3);
    this.rot = new Float64Array(jointCount * 3);
    this.motion = { name: 'rest', bound: null, frames: [undefined], order: Int32Array.of(0), next: 0 };
    this.worker.onmessage = (e: MessageEvent<OffsetResult>) => {
      const cut = e.data.key.lastIndexOf('#');
      const name = e.data.key.slice(0, cut), f = e.data.key.slice(cut + 1);
      const frames = this.baked.get(name);
      if (frames && this.bytes + this.anchorBytes <= CACHE_BYTES) {
        frames[Number(f)] = e.data.offsets;
        this.bytes += this.anchorBytes;
        if (name === this.motion.name) this.bakedFrames++;
      }
      this.meanMs = this.meanMs === 0 ? e.data.ms : this.meanMs * 0.8 + e.data.ms * 0.2;
      this.inflight = false;
      this.pump();
    };
  }

  /** Switches to a motion (null = the rest pose); its baked frames are kept for when it comes back. */
  setMotion(name: string, bound: BoundMotion | null): void {
    const F = bound ? bound.frameCount : 1;
    let frames = this.baked.get(name);
    if (!frames) { frames = new Array(F).fill(undefined); this.baked.set(name, frames); }
    this.motion = { name, bound, frames, order: bakeOrder(F), next: 0 };
    this.bakedFrames = frames.filter(Boolean).length;
    this.pump();
  }

  /** Sends the next unbaked frame (in coarse-to-fine order) to the worker. */
  private pump(): void {
    if (this.inflight) return;
    const m = this.motion;
    while (m.next < m.order.length && m.frames[m.order[m.next]!]) m.next++;
    if (m.next >= m.order.length || this.bytes + this.anchorBytes > CACHE_BYTES) return;
    const f = m.order[m.next]!;
    if (m.bound) samplePose(m.bound, f / m.bound.fps, this.rot, this.trans);
    else this.rot.fill(0);
    this.inflight = true;
    this.worker.postMessage({ type: 'offsets', key: `${m.name}#${f}`, rotations: this.rot.slice() } satisfies OffsetRequest);
  }

  /** Offsets at playhead position u (frames), blended from the nearest baked frames; null until one is baked. */
  offsetsAt(u: number): Float32Array | null {
    const m = this.motion;
    const b = bracket((f) => m.frames[f] !== undefined, m.frames.length, u);
    if (!b) return null;
    const lo = m.frames[b.lo]!;
    if (b.w === 0) return lo;
    const hi = m.frames[b.hi]!, w = b.w, out = this.blend;
    for (let i = 0; i < out.length; i++) out[i] = lo[i]! + w * (hi[i]! - lo[i]!);
    return out;
  }
}
