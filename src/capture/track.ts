/**
 * Following one person through a clip. The first frame picks person K with the people
 * detector; every later frame runs the body models on a crop around the previous frame's box
 * (no detection: faster, and a second person outside the crop cannot take over). A frame whose
 * person does not overlap the previous box (IoU < CAPTURE_CONFIG.minTrackIoU) or scores low
 * counts as lost; the person is then re-acquired with the detector, choosing the candidate that
 * best overlaps the last known box, so identities do not swap.
 */
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import type { Perceiver } from '../perceive/index.js';
import type { Box, Perception } from '../perceive/index.js';
import { FIT_CONFIG } from '../fit/config.js';
import { CAPTURE_CONFIG } from './config.js';

/** Intersection over union of two boxes. */
export function boxIoU(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = iw * ih;
  const ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return ua > 0 ? inter / ua : 0;
}

/** Whether a perception is good enough to fit: pose score and enough confident keypoints. */
export function usablePerception(p: Perception): boolean {
  if (p.body.score < CAPTURE_CONFIG.minPoseScore) return false;
  let n = 0;
  for (const k of p.body.keypoints) if (k[2] >= FIT_CONFIG.minConfidence) n++;
  return n >= CAPTURE_CONFIG.minKeypoints;
}

/** Why a frame has no perception. */
export type LostReason = 'no-person' | 'low-score' | 'jumped';

/** One tracked frame: the perception (null when lost) and why it was lost. */
export interface TrackedFrame {
  perception: Perception | null;
  lost?: LostReason;
  /** Whether the people detector ran on this frame (first frame, re-acquisition). */
  detected: boolean;
}

/**
 * Tracks one person through the frames given to `next`: the first frame's candidate `person` (0 = largest), or,
 * with `start`, the person in that box (pick.ts: a person the detector found only after the first frame). The
 * first frame is then perceived on that box like any later frame (crop hint, IoU check).
 */
export class PersonTracker {
  private last: Box | null;
  private lostRun = 0;
  private lastLost: LostReason | null = null;
  constructor(private readonly perceiver: Perceiver, private readonly person = 0, start: Box | null = null) {
    this.last = start;
  }

  /** The last box the person was seen in (null before the first sighting; the start box until then). */
  get lastBox(): Box | null { return this.last; }

  /** Perceives the next frame of the clip. */
  async next(image: FloatImage): Promise<TrackedFrame> {
    const reacquire = this.last === null || this.lostRun >= CAPTURE_CONFIG.redetectAfter;
    let p: Perception | null = null;
    let detected = false;
    try {
      if (this.last === null) {
        p = await this.perceiver.perceive(image, { person: this.person });
        detected = true;
      } else if (reacquire) {
        p = await this.reacquire(image, this.last, CAPTURE_CONFIG.retryAfterJump && this.lastLost === 'jumped');
        detected = true;
      } else {
        p = await this.perceiver.perceive(image, { roi: this.last });
      }
    } catch (err) {
      if (err instanceof PersonaError && /No person found/.test(err.message)) return this.lose('no-person', detected);
      // On re-acquisition the chosen index can exceed the people now visible: treat as lost.
      if (err instanceof PersonaError && /asked for, but only/.test(err.message) && this.last !== null) return this.lose('no-person', true);
      throw err;
    }
    if (!p) return this.lose('no-person', detected);
    if (!usablePerception(p)) return this.lose('low-score', detected);
    // Re-acquisition already chose the candidate nearest the last box; the person may have moved meanwhile.
    if (this.last && !reacquire && boxIoU(p.person.box, this.last) < CAPTURE_CONFIG.minTrackIoU) return this.lose('jumped', detected);
    this.last = p.person.box;
    this.lostRun = 0;
    this.lastLost = null;
    const { mask: _mask, ...rest } = p;
    void _mask;
    return { perception: rest, detected };
  }

  private lose(reason: LostReason, detected: boolean): TrackedFrame {
    this.lostRun++;
    this.lastLost = reason;
    return { perception: null, lost: reason, detected };
  }

  /**
   * Detects people on the whole frame and follows the candidate overlapping `last` most. After a jump (`retry`), the
   * crop of the last box is tried first and kept when it holds a usable person overlapping that box (IoU ≥
   * minTrackIoU): a jump means people overlap there, and the detector then tends to box them together (lindy-hop).
   */
  private async reacquire(image: FloatImage, last: Box, retry: boolean): Promise<Perception | null> {
    if (retry) {
      try {
        const again = await this.perceiver.perceive(image, { roi: last });
        if (usablePerception(again) && boxIoU(again.person.box, last) >= CAPTURE_CONFIG.minTrackIoU) return again;
      } catch (err) {
        if (!(err instanceof PersonaError && /No person found/.test(err.message))) throw err;
      }
    }
    const first = await this.perceiver.perceive(image, { person: 0 });
    const people = first.people;
    if (people.length <= 1) return first;
    let best = -1, bestIoU = 0;
    people.forEach((c, i) => { const v = boxIoU(c.box, last); if (v > bestIoU) { bestIoU = v; best = i; } });
    if (best < 0) return null;
    if (best === 0) return first;
    return this.perceiver.perceive(image, { roi: people[best]!.box });
  }
}
