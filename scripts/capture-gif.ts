/**
 * Makes docs/images/capture-side-by-side.gif: a synthetic clip of the sample person (subject 0,
 * the person of assets/samples/person.png) dancing, captured back with `captureMotion` from a
 * frames folder, and an avatar replaying the captured motion, side by side.
 *
 *   node dist/scripts/capture-gif.js <avatar-dir> [out.gif]
 *   (avatar: e.g. `persona demo --quality fast --out /tmp/demo`, then /tmp/demo)
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAvatar } from '../src/avatar/bundle.js';
import { animateAvatar } from '../src/animate/animate.js';
import { loadMotionArg } from '../src/animate/motionArg.js';
import { avatarRestSkeleton } from '../src/animate/poses.js';
import { openSink } from '../src/animate/sinks.js';
import { captureMotion } from '../src/capture/capture.js';
import { renderCaptureClip } from '../src/bench/captureClip.js';
import { createImage, readImage, writePng } from '../src/core/image.js';
import { Progress } from '../src/core/progress.js';
import { listFrameFiles } from '../src/capture/frames.js';
import { writeMotionJson } from '../src/motion/io.js';
import { packageRoot } from '../src/core/version.js';

const avatarDir = process.argv[2];
if (!avatarDir) { console.error('usage: node dist/scripts/capture-gif.js <avatar-dir> [out.gif]'); process.exit(2); }
const out = process.argv[3] ?? join(packageRoot(), 'docs', 'images', 'capture-side-by-side.gif');
const SIZE = 320, FPS = 10, FRAMES = 40;
const progress = new Progress('plain');
const tmp = await mkdtemp(join(tmpdir(), 'persona-capture-gif-'));
try {
  const clip = renderCaptureClip({ motion: 'dance', start: 0.5, fps: FPS, frames: FRAMES, size: SIZE, supersample: 2 });
  const frames = join(tmp, 'frames');
  await mkdir(frames);
  for (let f = 0; f < FRAMES; f++) await writePng(join(frames, `frame${String(f).padStart(4, '0')}.png`), clip.images[f]!);
  const r = await captureMotion(frames, { fps: FPS, fovDeg: clip.fovDeg, progress });
  const motionPath = join(tmp, 'capture.json');
  await writeMotionJson(motionPath, r.motion, r.skeleton);
  const avatar = await loadAvatar(avatarDir);
  const motion = await loadMotionArg(motionPath, avatarRestSkeleton(avatar));
  const avatarFrames = join(tmp, 'avatar') + '/';
  await animateAvatar(avatar, motion, { out: avatarFrames, size: SIZE, fps: FPS, camera: 'front', progress });
  const rendered = await listFrameFiles(avatarFrames);
  const sink = await openSink(out, { width: 2 * SIZE, height: SIZE, fps: FPS, transparent: false });
  for (let f = 0; f < Math.min(FRAMES, rendered.length); f++) {
    const a = clip.images[f]!, b = await readImage(rendered[f]!, 3);
    const img = createImage(2 * SIZE, SIZE, 3, 1);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) for (let c = 0; c < 3; c++) {
      img.data[(y * 2 * SIZE + x) * 3 + c] = a.data[(y * SIZE + x) * 3 + c]!;
      img.data[(y * 2 * SIZE + SIZE + x) * 3 + c] = b.data[(y * SIZE + x) * 3 + c]!;
    }
    for (let y = 0; y < SIZE; y++) for (let c = 0; c < 3; c++) img.data[(y * 2 * SIZE + SIZE) * 3 + c] = 0.6; // divider
    await sink.add(img);
  }
  await sink.finish();
  console.log(`wrote ${out} (${rendered.length} frames)`);
} finally {
  await rm(tmp, { recursive: true, force: true });
}
process.exit(0);
