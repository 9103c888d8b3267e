/**
 * Motion capture on real videos (docs/capture.md): every clip of bench/real/videos.json is
 * fetched (scripts/fetch-real-videos.ts), decoded and captured by the code path of
 * `persona motion from-video` (openFrames → captureImages), and measured without ground truth:
 * lost frames, foot-contact frames (and, where the clip says the person walks, whether every
 * stretch of walking has a foot down), torso pitch over time, root speed and joint jitter. A
 * side-by-side GIF per clip shows the video, a body-derived avatar (the captured person's shape,
 * coloured by part) replaying the captured motion rendered with the capture camera over the faded
 * video frame, and the same replay from a level side camera that follows the root (floor line in
 * grey), where a lean towards the camera shows.
 *
 *   npm run bench:capture-real                                   # all clips → bench/results/capture-real.json
 *   node dist/bench/captureReal.js --only street-hug-walk --label before --gif-dir /tmp/gifs
 *   options: --videos <dir> (default /tmp/persona-real-videos), --mirror <dir> (or PERSONA_MIRROR),
 *            --out <json>, --no-gif, --gif-side <px> (default 320),
 *            --person <k> (follow the first frame's person k, the rule before pick.ts; default: capture's own choice)
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { lookAtCamera, projectPoint, resizeCamera } from '../src/core/camera.js';
import { restFootHeight } from '../src/capture/contacts.js';
import { footPoints } from '../src/motion/ground.js';
import { createImage, readImage, type FloatImage } from '../src/core/image.js';
import { Progress } from '../src/core/progress.js';
import { packageRoot } from '../src/core/version.js';
import { loadBodyModel } from '../src/body/model.js';
import { buildGaussianTemplate } from '../src/avatar/buildTemplate.js';
import { AvatarModel } from '../src/train/model.js';
import { bundleFromModel } from '../src/train/toBundle.js';
import type { AvatarBundle } from '../src/avatar/bundle.js';
import { trainConfig } from '../src/train/config.js';
import { labelColor } from '../src/render/shade.js';
import { AvatarRenderer } from '../src/animate/renderer.js';
import { bindMotion, framePose } from '../src/animate/poses.js';
import { openSink } from '../src/animate/sinks.js';
import { captureImages, capturePerceiver, type CaptureResult } from '../src/capture/capture.js';
import { openFrames } from '../src/capture/frames.js';
import { jointJitter, rootSpeed, torsoPitch } from '../src/capture/metrics.js';
import { DEFAULT_REAL_VIDEO_DIR, fetchRealVideos, readRealManifest, type RealClip } from '../scripts/fetch-real-videos.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const only = flag('--only')?.split(',');
const videos = flag('--videos') ?? DEFAULT_REAL_VIDEO_DIR;
const outJson = flag('--out') ?? join(packageRoot(), 'bench', 'results', 'capture-real.json');
const gifDir = flag('--gif-dir') ?? join(tmpdir(), 'persona-capture-real-gifs');
const gifSide = Number(flag('--gif-side') ?? '320');
const label = flag('--label') ?? 'current';
const makeGif = !args.includes('--no-gif');
const person = flag('--person') !== undefined ? Number(flag('--person')) : undefined;

const round = (x: number, d = 2): number => (Number.isFinite(x) ? Number(x.toFixed(d)) : NaN);
const mean = (xs: ArrayLike<number>): number => { let s = 0, n = 0; for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!)) { s += xs[i]!; n++; } return n ? s / n : NaN; };

/** Contact figures; over the walking range: frames with a foot down, longest stretch without, contact runs per foot. */
function contactFigures(r: CaptureResult, clip: RealClip): Record<string, unknown> {
  const F = r.motion.frameCount, c = r.contacts, fps = r.motion.fps;
  let left = 0, right = 0, any = 0;
  for (let f = 0; f < F; f++) { left += c[f * 2]!; right += c[f * 2 + 1]!; any += c[f * 2]! || c[f * 2 + 1]! ? 1 : 0; }
  const out: Record<string, unknown> = { leftFrames: left, rightFrames: right, anyFootFrames: any, footSlide: footSlide(r) };
  if (clip.walking) {
    const a = Math.max(0, Math.round(clip.walking[0] * fps)), b = Math.min(F, Math.round(clip.walking[1] * fps));
    let down = 0, gap = 0, maxGap = 0;
    const runs = [0, 0];
    for (let f = a; f < b; f++) {
      const d = c[f * 2]! || c[f * 2 + 1]!;
      down += d ? 1 : 0;
      gap = d ? 0 : gap + 1;
      maxGap = Math.max(maxGap, gap);
      for (let s = 0; s < 2; s++) if (c[f * 2 + s] && (f === a || !c[(f - 1) * 2 + s])) runs[s]!++;
    }
    out.walking = { frames: b - a, withFootDown: down, longestWithoutContactSeconds: round(maxGap / fps), stanceRunsLeftRight: runs };
  }
  return out;
}

/**
 * Foot skate left after pinning: the horizontal world speed (m/s) of a foot's lowest point (ankle, ball or heel, the
 * one lowest at the earlier frame) between consecutive frames where that foot is in contact; median and 90th percentile.
 */
function footSlide(r: CaptureResult): { medianMps: number; p90Mps: number; samples: number } {
  const pts = footPoints(r.motion, r.skeleton), F = r.motion.frameCount, c = r.contacts, fps = r.motion.fps;
  const speeds: number[] = [];
  if (pts) {
    const at = (f: number, s: number, k: number, axis: number): number => pts[((f * 2 + s) * 3 + k) * 3 + axis]!;
    for (let f = 1; f < F; f++) for (let s = 0; s < 2; s++) {
      if (!c[f * 2 + s] || !c[(f - 1) * 2 + s]) continue;
      let k0 = 0;
      for (let k = 1; k < 3; k++) if (at(f - 1, s, k, 1) < at(f - 1, s, k0, 1)) k0 = k;
      speeds.push(Math.hypot(at(f, s, k0, 0) - at(f - 1, s, k0, 0), at(f, s, k0, 2) - at(f - 1, s, k0, 2)) * fps);
    }
  }
  speeds.sort((a, b) => a - b);
  const q = (p: number): number => (speeds.length ? speeds[Math.min(speeds.length - 1, Math.floor(p * speeds.length))]! : NaN);
  return { medianMps: round(q(0.5)), p90Mps: round(q(0.9)), samples: speeds.length };
}

/** A body-derived avatar (untrained, part colours) at the captured person's shape: the replay body. */
function replayAvatar(shape: Float64Array): AvatarBundle {
  const body = loadBodyModel();
  const template = buildGaussianTemplate(body, { shape, levels: 1 });
  const frozen = bundleFromModel(new AvatarModel(template, trainConfig('standard').avatar, 0), { note: 'capture-real replay body' });
  const colors = frozen.buffers.colors as Float32Array;
  for (let i = 0; i < frozen.header.gaussianCount; i++) {
    const col = labelColor(template.parts[i]!);
    for (let k = 0; k < 3; k++) colors[i * 3 + k] = 0.2 + 0.75 * col[k]!;
  }
  return frozen;
}

/** Writes the side-by-side GIF: the video frame | the avatar over the faded frame, same camera. */
async function sideBySide(video: string, clip: RealClip, r: CaptureResult, out: string): Promise<void> {
  const small = await openFrames(video, { fps: clip.fps, maxSide: gifSide });
  try {
    const first = await readImage(small.files[0]!, 3);
    const W = first.width, H = first.height;
    const cam = resizeCamera(r.camera, W, H);
    const avatar = replayAvatar(Float64Array.from(r.shapeFit.shape));
    const renderer = new AvatarRenderer(avatar, { poseOffsets: false });
    const bound = bindMotion(r.motion, avatar);
    const OW = 3 * W + 4;
    const sink = await openSink(out, { width: OW, height: H, fps: clip.fps, transparent: false });
    const root = avatar.header.skeleton.parents.indexOf(-1), rj = avatar.header.skeleton.restJoints;
    const n = Math.min(small.files.length, r.motion.frameCount);
    for (let f = 0; f < n; f++) {
      const v: FloatImage = f === 0 ? first : await readImage(small.files[f]!, 3);
      const a = renderer.render(framePose(bound, f), cam, 'transparent');
      // third panel: a level side view that follows the root (uprightness and lean read here)
      const T = r.motion.rootTranslation, P = [rj[root * 3]! + T[f * 3]!, rj[root * 3 + 1]! + T[f * 3 + 1]!, rj[root * 3 + 2]! + T[f * 3 + 2]!] as [number, number, number];
      const side = renderer.render(framePose(bound, f), lookAtCamera([P[0] + 4.5, P[1] - 0.05, P[2]], [P[0], P[1] - 0.05, P[2]], { width: W, height: H, fovYDeg: 34 }), [1, 1, 1]);
      const img = createImage(OW, H, 3, 0.5);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const al = a.data[(y * W + x) * 4 + 3]!;
        for (let k = 0; k < 3; k++) {
          const src = v.data[(y * W + x) * 3 + k]!;
          img.data[(y * OW + x) * 3 + k] = src;
          const faded = 0.45 * src + 0.55;
          img.data[(y * OW + W + 2 + x) * 3 + k] = al * a.data[(y * W + x) * 4 + k]! + (1 - al) * faded;
          img.data[(y * OW + 2 * W + 4 + x) * 3 + k] = side.data[(y * W + x) * 3 + k]!;
        }
      }
      // the side view's floor (rest foot height) as a grey line
      const floorY = Math.round(projectPoint(lookAtCamera([P[0] + 4.5, P[1] - 0.05, P[2]], [P[0], P[1] - 0.05, P[2]], { width: W, height: H, fovYDeg: 34 }), P[0], restFootHeight(r.skeleton) - 0.05, P[2]).v);
      if (floorY >= 0 && floorY < H) for (let x = 0; x < W; x++) for (let k = 0; k < 3; k++) img.data[(floorY * OW + 2 * W + 4 + x) * 3 + k] = 0.55;
      if (r.motion.flags?.[f]) for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) img.data[(y * OW + W + 4 + x) * 3] = 1; // red corner: a lost (filled) frame
      await sink.add(img);
    }
    await sink.finish();
  } finally {
    await small.cleanup();
  }
}

const progress = new Progress('plain');
const clips = (await readRealManifest()).filter((c) => !only || only.includes(c.id));
const paths = await fetchRealVideos({ out: videos, mirror: flag('--mirror') ?? process.env.PERSONA_MIRROR, only, log: (s) => console.log(s) });
const perceiver = await capturePerceiver();
if (makeGif) await mkdir(gifDir, { recursive: true });
const results: Record<string, unknown>[] = [];
for (const clip of clips) {
  const video = paths.get(clip.id)!;
  console.log(`== ${clip.id}: ${clip.description}`);
  const source = await openFrames(video, { fps: clip.fps, maxSide: 960 });
  let r: CaptureResult;
  const size = await readImage(source.files[0]!, 3).then((i) => ({ width: i.width, height: i.height }));
  try {
    r = await captureImages(source.files, source.fps, { perceiver, name: clip.id, progress, person });
  } finally {
    await source.cleanup();
  }
  const F = r.motion.frameCount;
  const lost = r.frames.filter((f) => f.lost);
  const reasons: Record<string, number> = {};
  for (const f of lost) reasons[f.lost!] = (reasons[f.lost!] ?? 0) + 1;
  const pitch = torsoPitch(r.motion, r.skeleton);
  const speed = rootSpeed(r.motion);
  let walkPitch: number[] = [];
  if (clip.walking) {
    const a = Math.max(0, Math.round(clip.walking[0] * clip.fps)), b = Math.min(F, Math.round(clip.walking[1] * clip.fps));
    walkPitch = Array.from(pitch.subarray(a, b));
  }
  const px = r.frames.map((f) => f.keypointPx).filter((x): x is number => x !== null);
  const figures = {
    id: clip.id, frames: F, fps: clip.fps, size,
    lost: { count: lost.length, fraction: round(lost.length / F, 3), reasons },
    contacts: contactFigures(r, clip),
    torsoPitchDeg: {
      mean: round(mean(pitch), 1), meanAbs: round(mean(pitch.map(Math.abs)), 1),
      ...(clip.walking ? { walkingMean: round(mean(walkPitch), 1), walkingMaxAbs: round(Math.max(...walkPitch.map(Math.abs)), 1) } : {}),
      series: Array.from(pitch, (x) => round(x, 1)),
    },
    rootSpeed: { meanMps: round(mean(speed)), maxMps: round(Math.max(...speed)), series: Array.from(speed, (x) => round(x)) },
    jitterMps2: round(jointJitter(r.motion, r.skeleton), 1),
    meanKeypointPx: round(mean(px), 1),
    maxPinCorrectionM: round(r.maxPinCorrection),
    ...((r as { ground?: unknown }).ground ? { ground: (r as { ground?: unknown }).ground } : {}),
    seconds: { perceive: round(r.timings.perceiveSeconds, 1), fit: round(r.timings.fitSeconds, 1), framesPerSecond: round(r.timings.framesPerSecond) },
  };
  const { series: _ps, ...pitchSummary } = figures.torsoPitchDeg;
  const { series: _ss, ...speedSummary } = figures.rootSpeed;
  void _ps; void _ss;
  console.log(JSON.stringify({ ...figures, torsoPitchDeg: pitchSummary, rootSpeed: speedSummary }));
  if (makeGif) {
    const gif = join(gifDir, `${clip.id}.gif`);
    await sideBySide(video, clip, r, gif);
    console.log(`wrote ${gif}`);
  }
  results.push(figures);
}
const result = {
  label, date: new Date().toISOString(), person: person ?? 'auto',
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => round(x)) },
  clips: results,
};
await writeJsonAtomic(outJson, result);
console.log(`wrote ${outJson}`);
process.exit(0);
