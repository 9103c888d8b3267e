/**
 * Choosing the person to follow when none is named (docs/capture.md, "Choosing the person"). The largest
 * detection on the first frame is not always the subject: on the dance-twirl clip the people detector misses the
 * dancer on frame 0 and finds only a seated spectator. The detector therefore runs on the first
 * CAPTURE_CONFIG.pickSeconds of the clip; its candidates are linked from frame to frame by box overlap into tracks
 * (a track may start on any frame and survive missed frames), and the track with the largest *visible body* wins:
 * the mean over the window of (box height / image height × fraction of the 17 keypoints seen), a frame where the
 * track is not found counting 0. A person seen throughout, large and whole beats one seen on a few frames, small,
 * or cut by the frame edge.
 */
import type { Box, PersonCandidate } from '../perceive/index.js';
import { CAPTURE_CONFIG } from './config.js';
import { boxIoU } from './track.js';

/** The people detector's candidates on one frame (largest first, as `Perceiver.detectPeople` returns them). */
export type PickDetections = ReadonlyArray<PersonCandidate>;

/** What the choice saw of one track. */
export interface PickTrack {
  /** First frame of the window the track was found on. */
  firstFrame: number;
  /** Its box there. */
  firstBox: Box;
  /** Its index among that frame's candidates. */
  firstIndex: number;
  /** Frames (of the window) in which the track was found. */
  seen: number;
  /** Mean box height over the image height, over the frames seen. */
  size: number;
  /** Mean fraction of the keypoints above CAPTURE_CONFIG.pickKeypointConfidence, over the frames seen. */
  complete: number;
  /** Keypoint speed (body heights per second, mean over consecutive sightings); reported, not scored (docs/capture.md). */
  motion: number;
  /** The visible-body score the choice maximizes (mean over the window of height fraction × completeness). */
  score: number;
}

/** The choice and what led to it. */
export interface PersonPick {
  /**
   * The chosen track's index among the first frame's candidates (`perceive(image, { person })`), or null when the
   * track starts on a later frame (the detector missed the person on frame 0): follow from `box` then.
   */
  person: number | null;
  /** The chosen track's first box (null when nobody was detected in the window). */
  box: Box | null;
  /** The chosen track (index into `tracks`; -1 when there is none). */
  chosen: number;
  tracks: PickTrack[];
}

function completeness(c: PersonCandidate): number {
  if (!c.keypoints || c.keypoints.length === 0) return 0;
  let n = 0;
  for (const k of c.keypoints) if (k[2] >= CAPTURE_CONFIG.pickKeypointConfidence) n++;
  return n / c.keypoints.length;
}

/** Mean displacement of the keypoints confident in both candidates, over the mean box height. */
function keypointMotion(a: PersonCandidate, b: PersonCandidate): number | null {
  if (!a.keypoints || !b.keypoints) return null;
  const t = CAPTURE_CONFIG.pickKeypointConfidence;
  let s = 0, n = 0;
  for (let k = 0; k < Math.min(a.keypoints.length, b.keypoints.length); k++) {
    const p = a.keypoints[k]!, q = b.keypoints[k]!;
    if (p[2] < t || q[2] < t) continue;
    s += Math.hypot(p[0] - q[0], p[1] - q[1]);
    n++;
  }
  const h = 0.5 * (a.box[3] - a.box[1] + b.box[3] - b.box[1]);
  return n > 0 && h > 0 ? s / n / h : null;
}

/**
 * Links the detections of consecutive frames (at `fps`, image `height` px) into tracks and chooses the one with the
 * largest visible body. Ties keep the earlier track, so with one person, or with the first frame's largest
 * person winning, the choice is `person: 0` as before.
 */
export function choosePerson(frames: ReadonlyArray<PickDetections>, height: number, fps: number): PersonPick {
  const n = frames.length;
  const chains: Array<Array<PersonCandidate | null>> = [];
  const firstIndex: number[] = [];
  const last: Box[] = [];
  for (let f = 0; f < n; f++) {
    const cands = frames[f]!;
    // Greedy one-to-one matching, best overlap first; a track keeps its last box through missed frames.
    const pairs: Array<[number, number, number]> = [];
    for (let t = 0; t < chains.length; t++)
      for (let j = 0; j < cands.length; j++) {
        const v = boxIoU(last[t]!, cands[j]!.box);
        if (v >= CAPTURE_CONFIG.pickTrackIoU) pairs.push([v, t, j]);
      }
    pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    const usedT = new Set<number>(), usedJ = new Set<number>();
    for (const [, t, j] of pairs) {
      if (usedT.has(t) || usedJ.has(j)) continue;
      usedT.add(t); usedJ.add(j);
      chains[t]![f] = cands[j]!;
      last[t] = cands[j]!.box;
    }
    for (let t = 0; t < chains.length; t++) if (!usedT.has(t)) chains[t]![f] = null;
    cands.forEach((c, j) => {
      if (usedJ.has(j)) return;
      const chain: Array<PersonCandidate | null> = new Array<PersonCandidate | null>(f).fill(null);
      chain.push(c);
      chains.push(chain);
      firstIndex.push(j);
      last.push(c.box);
    });
  }
  const tracks: PickTrack[] = chains.map((chain, t) => {
    let seen = 0, size = 0, complete = 0, score = 0, motion = 0, steps = 0, firstFrame = -1;
    let prev: PersonCandidate | null = null, prevF = -1;
    chain.forEach((c, f) => {
      if (!c) return;
      if (firstFrame < 0) firstFrame = f;
      seen++;
      const h = (c.box[3] - c.box[1]) / height, k = completeness(c);
      size += h; complete += k; score += h * k;
      if (prev) {
        const m = keypointMotion(prev, c);
        if (m !== null) { motion += (m * fps) / (f - prevF); steps++; }
      }
      prev = c; prevF = f;
    });
    return {
      firstFrame, firstBox: chain[firstFrame]!.box, firstIndex: firstIndex[t]!, seen,
      size: size / seen, complete: complete / seen, motion: steps ? motion / steps : 0, score: score / n,
    };
  });
  let chosen = -1;
  tracks.forEach((t, i) => { if (chosen < 0 || t.score > tracks[chosen]!.score) chosen = i; });
  if (chosen < 0) return { person: 0, box: null, chosen, tracks };
  const c = tracks[chosen]!;
  return { person: c.firstFrame === 0 ? c.firstIndex : null, box: c.firstBox, chosen, tracks };
}
