/**
 * "Talking with the hands": a 4.4 s persona-motion clip (default examples/talking-hands.json) — visemes
 * (aa/ih/ou/ee/oh) with two blinks and a closing smile, while the right hand comes up in front of the chest and
 * counts one, two, three on its fingers, opens and waves, then goes down. Authored in the motion room's anatomical
 * angles (src/motion/anatomy.ts) on the canonical skeleton and retargeted onto the default body.
 * `node dist/scripts/talking-hands.js [out.json] [<frames-dir> <out.gif>]`: the second form crops the upper body out of
 * the square PNG frames that `persona animate <avatar> --motion out.json --camera front --out <frames-dir>/` wrote
 * and encodes them as a GIF (docs/images/talking-hands.gif).
 */
import { writeMotionJson } from '../src/motion/io.js';
import { canonicalSkeleton } from '../src/motion/canonical.js';
import { retargetMotion } from '../src/motion/retarget.js';
import { restSkeletonOf } from '../src/motion/body.js';
import { sampleClip, merge, type AnglePose, type ClipDef } from '../src/motion/keyframes.js';
import { NEUTRAL_POSE } from '../src/motion/library.js';
import { MOTION_FPS } from '../src/motion/config.js';
import { loadBodyModel } from '../src/body/model.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createImage, readImage } from '../src/core/image.js';
import { openSink } from '../src/animate/sinks.js';

const out = process.argv[2] ?? 'examples/talking-hands.json';
const FINGERS = ['index', 'middle', 'ring', 'pinky'] as const;

/** Right hand: the listed fingers straight, the others curled into the palm (thumb folded over them unless `thumb`). */
function hand(straight: readonly string[], thumb = false, spread = 0): AnglePose {
  const p: Record<string, Record<string, number>> = {};
  for (const f of FINGERS) {
    const c = straight.includes(f) ? 0 : 1;
    p[`right_${f}1`] = { curl: 70 * c, spread: f === 'index' ? spread : f === 'pinky' ? -spread : 0 };
    p[`right_${f}2`] = { curl: 90 * c };
    p[`right_${f}3`] = { curl: 50 * c };
  }
  p.right_thumb1 = { curl: thumb ? 0 : 30, spread: thumb ? 25 : 0 };
  p.right_thumb2 = { curl: thumb ? 0 : 40 };
  p.right_thumb3 = { curl: thumb ? 0 : 40 };
  return p as AnglePose;
}

/** The right hand raised in front of the chest, palm to the camera. */
const UP: AnglePose = { right_shoulder: { raise: -65, forward: 25, twist: 0 }, right_elbow: { flex: 125, twist: 45 }, right_wrist: { flex: -10 } };
const up = (h: AnglePose, extra: AnglePose = {}): AnglePose => merge(UP, h, extra);

const def: ClipDef = {
  name: 'talking-hands', fps: MOTION_FPS, neutral: NEUTRAL_POSE, ground: false,
  description: 'talking (visemes) while counting one, two, three on the right hand, then an open-hand wave (4.4 s)',
  keys: [
    { t: 0, note: 'neutral' },
    { t: 0.6, note: 'right hand up, fist', pose: up(hand([])) },
    { t: 1.1, note: 'one', pose: up(hand(['index'])) },
    { t: 1.6, note: 'two', pose: up(hand(['index', 'middle'])) },
    { t: 2.1, note: 'three', pose: up(hand(['index', 'middle', 'ring'])) },
    { t: 2.6, note: 'open hand, fingers spread', pose: up(hand([...FINGERS], true, 12)) },
    { t: 2.9, note: 'wave out', pose: up(hand([...FINGERS], true, 12), { right_wrist: { flex: -10, deviate: 25 } }) },
    { t: 3.2, note: 'wave in', pose: up(hand([...FINGERS], true, 12), { right_wrist: { flex: -10, deviate: -20 } }) },
    { t: 3.5, note: 'wave out', pose: up(hand([...FINGERS], true, 12), { right_wrist: { flex: -10, deviate: 25 } }) },
    { t: 4.4, note: 'neutral' },
  ],
};

const body = loadBodyModel();
const rs = restSkeletonOf(body);
const motion = retargetMotion(sampleClip(def), canonicalSkeleton(), rs);
const F = motion.frameCount, FPS = motion.fps;
// "one, two, three — hello!": a viseme every 0.18 s, each rising and falling over its slot.
const SYLLABLES = ['oh', 'ou', 'aa', 'ih', 'ou', 'ee', 'oh', 'aa', 'ee', 'ih', 'ou', 'aa', 'oh', 'ee', 'aa', 'ih', 'oh', 'ou', 'ee', 'aa'];
const channels = ['aa', 'ih', 'ou', 'ee', 'oh', 'blinkLeft', 'blinkRight', 'smile'];
const C = channels.length, weights = new Float32Array(F * C);
const slot = 0.18, t0 = 0.3, talkEnd = t0 + SYLLABLES.length * slot;
for (let f = 0; f < F; f++) {
  const t = f / FPS;
  const s = Math.floor((t - t0) / slot);
  if (t >= t0 && s < SYLLABLES.length) weights[f * C + channels.indexOf(SYLLABLES[s]!)] = Math.sin(Math.PI * ((t - t0) / slot - s)) ** 0.7;
  for (const b of [1.0, 3.3]) { // blinks: 0.15 s closing and opening
    const d = Math.abs(t - b);
    if (d < 0.075) { const w = 1 - d / 0.075; weights[f * C + 5] = w; weights[f * C + 6] = w; }
  }
  if (t > talkEnd) weights[f * C + 7] = Math.min(1, (t - talkEnd) / 0.3);
}
motion.name = 'talking-hands';
motion.expressions = { names: channels, weights };
await writeMotionJson(out, motion, rs);
console.log(`${out}: ${F} frames at ${FPS} fps, channels ${channels.join(', ')}`);

const framesDir = process.argv[3], gif = process.argv[4];
if (framesDir && gif) {
  const files = (await readdir(framesDir)).filter((f) => f.endsWith('.png')).sort();
  const first = await readImage(join(framesDir, files[0]!), 3);
  // The front camera frames the whole body in a square: the upper body is the top ~half, centred.
  const S = Math.round(first.width * 0.48), x0 = Math.round((first.width - S) / 2), y0 = Math.round(first.height * 0.04);
  const OUT = 320, sink = await openSink(gif, { width: OUT, height: OUT, fps: Number(process.argv[5] ?? 15), transparent: false });
  for (const f of files) {
    const img = await readImage(join(framesDir, f), 3);
    const o = createImage(OUT, OUT, 3);
    for (let y = 0; y < OUT; y++) for (let x = 0; x < OUT; x++) {
      // box filter over the source pixels of this output pixel
      const sx0 = x0 + Math.floor((x * S) / OUT), sx1 = x0 + Math.floor(((x + 1) * S) / OUT), sy0 = y0 + Math.floor((y * S) / OUT), sy1 = y0 + Math.floor(((y + 1) * S) / OUT);
      for (let c = 0; c < 3; c++) {
        let sum = 0, n = 0;
        for (let yy = sy0; yy < Math.max(sy1, sy0 + 1); yy++) for (let xx = sx0; xx < Math.max(sx1, sx0 + 1); xx++) { sum += img.data[(yy * img.width + xx) * 3 + c]!; n++; }
        o.data[(y * OUT + x) * 3 + c] = sum / n;
      }
    }
    await sink.add(o);
  }
  await sink.finish();
  console.log(`${gif}: ${files.length} frames, ${OUT}×${OUT}`);
}
