/**
 * Evidence on identity during a capture (docs/capture.md, "Real videos"): runs capture's PersonTracker on real clips
 * (bench/real/videos.json) and prints, per frame, whether the person was lost, the box and its IoU with the previous
 * one, whether the detector re-acquired, and the colour of the tracked person's clothes against a running reference
 * (the mean RGB, 0–1, at 7 points along each segment between confident BlazePose keypoints: torso diagonals and sides,
 * thighs, shins; reference moved 0.2 of the way to each frame's colour). The largest same-person colour distances of
 * each clip are printed last. Used to diagnose the lindy-hop swap; the colour is a measurement, not a rule.
 *
 *   node dist/scripts/capture-identity-evidence.js [--only id,id] [--videos dir]
 */
import { readImage, type FloatImage } from '../src/core/image.js';
import { capturePerceiver, pickTracker } from '../src/capture/capture.js';
import { Progress } from '../src/core/progress.js';
import { openFrames } from '../src/capture/frames.js';
import { boxIoU } from '../src/capture/track.js';
import { BODY_INDEX } from '../src/perceive/index.js';
import { DEFAULT_REAL_VIDEO_DIR, fetchRealVideos, readRealManifest } from './fetch-real-videos.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = flag('--only')?.split(',');
type Kp = ReadonlyArray<readonly [number, number, number]>;
const REGIONS: Record<string, Array<[string, string]>> = {
  torso: [['leftShoulder', 'leftHip'], ['rightShoulder', 'rightHip'], ['leftShoulder', 'rightHip'], ['rightShoulder', 'leftHip']],
  thighs: [['leftHip', 'leftKnee'], ['rightHip', 'rightKnee']],
  shins: [['leftKnee', 'leftAnkle'], ['rightKnee', 'rightAnkle']],
};

function colours(img: FloatImage, kp: Kp): Record<string, number[] | null> {
  const out: Record<string, number[] | null> = {};
  const idx = BODY_INDEX as Record<string, number>;
  for (const [region, segs] of Object.entries(REGIONS)) {
    const sum = [0, 0, 0];
    let n = 0;
    for (const [a, b] of segs) {
      const p = kp[idx[a]!]!, q = kp[idx[b]!]!;
      if (p[2] < 0.5 || q[2] < 0.5) continue;
      for (let s = 0; s < 7; s++) {
        const t = 0.2 + (0.6 * s) / 6;
        const x = Math.round(p[0] + t * (q[0] - p[0])), y = Math.round(p[1] + t * (q[1] - p[1]));
        if (x < 0 || y < 0 || x >= img.width || y >= img.height) continue;
        for (let k = 0; k < 3; k++) sum[k]! += img.data[(y * img.width + x) * img.channels + k]!;
        n++;
      }
    }
    out[region] = n ? sum.map((v) => v / n) : null;
  }
  return out;
}

const clips = (await readRealManifest()).filter((c) => !only || only.includes(c.id));
const paths = await fetchRealVideos({ out: flag('--videos') ?? DEFAULT_REAL_VIDEO_DIR, only, log: () => undefined });
const perceiver = await capturePerceiver(false);
const box = (b: readonly number[] | null | undefined): string => (b ? b.map((v) => v.toFixed(0)).join(',') : '-');
for (const clip of clips) {
  const source = await openFrames(paths.get(clip.id)!, { fps: clip.fps, maxSide: 960 });
  console.log(`== ${clip.id}`);
  try {
    const tracker = await pickTracker(perceiver, source.files, source.fps, Progress.silent()); // capture's own choice
    let ref: Record<string, number[] | null> | null = null;
    const worst: Record<string, number> = {};
    for (let f = 0; f < source.files.length; f++) {
      const img = await readImage(source.files[f]!, 3);
      const last = tracker.lastBox;
      const r = await tracker.next(img);
      const p = r.perception;
      let dist = '';
      if (p) {
        const c = colours(img, p.body.keypoints);
        if (ref) {
          const d: string[] = [];
          for (const region of Object.keys(REGIONS)) {
            const a = c[region], b = ref[region];
            if (!a || !b) continue;
            const v = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
            worst[region] = Math.max(worst[region] ?? 0, v);
            d.push(`${region} ${v.toFixed(2)}`);
          }
          dist = d.join(' ');
          for (const region of Object.keys(REGIONS)) {
            const a = c[region], b = ref[region];
            if (a) ref[region] = b ? b.map((v, k) => v + 0.2 * (a[k]! - v)) : a;
          }
        } else ref = c;
      }
      console.log(`  ${f} ${r.lost ?? 'ok'}${r.detected ? ' detected' : ''} box ${box(p?.person.box)} iou ${p && last ? boxIoU(p.person.box, last).toFixed(2) : '-'} ${dist}`);
    }
    console.log(`  largest colour distances: ${Object.entries(worst).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  } finally {
    await source.cleanup();
  }
}
process.exit(0);
