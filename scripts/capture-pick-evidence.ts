/**
 * Evidence for the first-frame choice of the person in motion capture (src/capture/pick.ts, docs/capture.md):
 * runs the people detector on the first frames of each real clip (bench/real/videos.json), prints every
 * candidate (box, size, detector score, keypoint completeness, centrality) and the tracks and scores the
 * choice rule sees, and writes the first frame with the numbered boxes to `--png-dir` (not committed: most clips'
 * licences forbid it).
 *
 *   node dist/scripts/capture-pick-evidence.js [--only id,id] [--videos dir] [--png-dir /tmp/persona-pick]
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImage, writePng, type FloatImage } from '../src/core/image.js';
import { capturePerceiver } from '../src/capture/capture.js';
import { openFrames } from '../src/capture/frames.js';
import { CAPTURE_CONFIG } from '../src/capture/config.js';
import { choosePerson, type PickDetections } from '../src/capture/pick.js';
import { DEFAULT_REAL_VIDEO_DIR, fetchRealVideos, readRealManifest } from './fetch-real-videos.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = flag('--only')?.split(',');
const pngDir = flag('--png-dir') ?? '/tmp/persona-pick';
const COLOURS = [[1, 0, 0], [0, 1, 0], [0, 0.4, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]];

function drawBox(img: FloatImage, b: readonly number[], c: number[]): void {
  const x0 = Math.max(0, Math.round(b[0]!)), y0 = Math.max(0, Math.round(b[1]!));
  const x1 = Math.min(img.width - 1, Math.round(b[2]!)), y1 = Math.min(img.height - 1, Math.round(b[3]!));
  const put = (x: number, y: number): void => { for (let k = 0; k < 3; k++) img.data[(y * img.width + x) * img.channels + k] = c[k]!; };
  for (let t = 0; t < 2; t++) {
    for (let x = x0; x <= x1; x++) { put(x, Math.min(y1, y0 + t)); put(x, Math.max(y0, y1 - t)); }
    for (let y = y0; y <= y1; y++) { put(Math.min(x1, x0 + t), y); put(Math.max(x0, x1 - t), y); }
  }
}

await mkdir(pngDir, { recursive: true });
const clips = (await readRealManifest()).filter((c) => !only || only.includes(c.id));
const paths = await fetchRealVideos({ out: flag('--videos') ?? DEFAULT_REAL_VIDEO_DIR, only, log: () => undefined });
const perceiver = await capturePerceiver(false);
for (const clip of clips) {
  const source = await openFrames(paths.get(clip.id)!, { fps: clip.fps, maxSide: 960 });
  try {
    const n = Math.min(source.files.length, Math.max(1, Math.round(CAPTURE_CONFIG.pickSeconds * source.fps)));
    const frames: PickDetections[] = [];
    let first: FloatImage | null = null;
    for (let f = 0; f < n; f++) {
      const img = await readImage(source.files[f]!, 3);
      first ??= img;
      frames.push(await perceiver.detectPeople(img));
    }
    const W = first!.width, H = first!.height;
    console.log(`== ${clip.id} (${W}×${H}, ${n} frames)`);
    frames.forEach((cs, f) => console.log(`  f${f}: ${cs.map((c) => `[${c.box.map((v) => v.toFixed(0)).join(',')} k${c.keypoints?.filter((k) => k[2] >= CAPTURE_CONFIG.pickKeypointConfidence).length ?? 0}]`).join(' ')}`));
    frames[0]!.forEach((c, i) => {
      const conf = c.keypoints ? c.keypoints.map((k) => k[2]) : [];
      console.log(`  f0 #${i} box ${c.box.map((v) => v.toFixed(0)).join(',')} h ${(c.box[3] - c.box[1]).toFixed(0)} score ${c.score.toFixed(2)} kp>0.3 ${conf.filter((s) => s >= 0.3).length}/17 mean ${(conf.reduce((a, b) => a + b, 0) / 17).toFixed(2)}`);
    });
    const pick = choosePerson(frames, H, source.fps);
    pick.tracks.forEach((t, i) => console.log(`  track ${i} (from f${t.firstFrame} #${t.firstIndex}, box ${t.firstBox.map((v) => v.toFixed(0)).join(',')}): seen ${t.seen}/${n} size ${t.size.toFixed(2)} complete ${t.complete.toFixed(2)} motion ${t.motion.toFixed(2)} h/s score ${t.score.toFixed(3)}`));
    console.log(`  old rule: person 0 of frame 0; new rule: track ${pick.chosen} → ${pick.person !== null ? `person ${pick.person} of frame 0` : `start box ${pick.box!.map((v) => v.toFixed(0)).join(',')}`}`);
    const img = { ...first!, data: Float32Array.from(first!.data) };
    frames[0]!.forEach((c, i) => drawBox(img, c.box, COLOURS[i % COLOURS.length]!));
    if (pick.box) drawBox(img, pick.box.map((v, k) => v + (k < 2 ? 3 : -3)), [1, 1, 1]); // the choice, white, inset
    await writePng(join(pngDir, `${clip.id}-f0.png`), img);
  } finally {
    await source.cleanup();
  }
}
process.exit(0);
