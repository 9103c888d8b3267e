import type { Command } from 'commander';
import { extname } from 'node:path';
import { captureMotion } from '../capture/index.js';
import { PersonaError } from '../core/errors.js';
import { writeJsonAtomic } from '../core/atomic.js';
import { writeBvh, writeMotionJson } from '../motion/index.js';
import { parseFov, parsePositiveInt, progressFrom } from './context.js';

function parseNonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new PersonaError(`--${name} must be 0 or a positive integer (got "${v}").`, { exitCode: 2 });
    return n;
  };
}

/** `persona motion from-video <video|frames-dir> --out motion.json [--bvh out.bvh]` */
export function registerMotion(program: Command): void {
  const motion = program.command('motion').description('motions from your own material (see `persona motion from-video`)');
  motion
    .command('from-video')
    .description('capture a motion from a video (needs ffmpeg) or a folder of frames: track the person, fit the body per frame, pin the feet')
    .argument('<input>', 'video file (mp4, mov, webm…) or a folder of frame images (png/jpg, in name order)')
    .requiredOption('-o, --out <motion.json>', 'persona-motion JSON to write (for `persona animate --motion` and the viewer)')
    .option('--bvh <file.bvh>', 'also write the motion as BVH (the body skeleton, centimetres)')
    .option('--fps <n>', 'frame rate: of the frames folder (default 30), or to decode the video at (default: its own)', parsePositiveInt('fps'))
    .option('--person <k>', 'follow the first frame\'s person k (0 = the largest; default: the person with the largest visible body over the first second)', parseNonNegativeInt('person'))
    .option('--fov <deg>', 'camera field of view on the long side (degrees; default 55, a phone main camera)', parseFov)
    .option('--max-side <px>', 'videos: decode frames with this long side at most', parsePositiveInt('max-side'), 960)
    .option('--no-pin-feet', 'keep the fitted root path (no foot-contact pinning)')
    .option('--no-face', 'do not track the face (no expression channels or gaze in the motion)')
    .option('--report <file.json>', 'write per-frame details (lost frames, fit residuals, contacts, timings)')
    .action(async (input: string, opts: { out: string; bvh?: string; fps?: number; person?: number; fov?: number; maxSide: number; pinFeet: boolean; face: boolean; report?: string }, cmd: Command) => {
      const progress = progressFrom(cmd);
      if (extname(opts.out).toLowerCase() !== '.json') throw new PersonaError(`--out must be a .json file (got "${opts.out}").`, { hint: 'Use --bvh for BVH output.', exitCode: 2 });
      if (opts.bvh && extname(opts.bvh).toLowerCase() !== '.bvh') throw new PersonaError(`--bvh must name a .bvh file (got "${opts.bvh}").`, { exitCode: 2 });
      const name = input.replace(/[\\/]+$/, '').replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '') || 'capture';
      const r = await captureMotion(input, { fps: opts.fps, person: opts.person, fovDeg: opts.fov, maxSide: opts.maxSide, pinFeet: opts.pinFeet, face: opts.face, name, progress });
      await writeMotionJson(opts.out, r.motion, r.skeleton);
      if (opts.bvh) await writeBvh(opts.bvh, r.motion, r.skeleton);
      const F = r.motion.frameCount, lost = r.frames.filter((f) => f.lost).length;
      let contactFrames = 0;
      for (let f = 0; f < F; f++) if (r.contacts[f * 2] || r.contacts[f * 2 + 1]) contactFrames++;
      if (opts.report) {
        await writeJsonAtomic(opts.report, {
          input, frames: F, fps: r.motion.fps, lostFrames: lost, timings: r.timings, maxPinCorrectionM: r.maxPinCorrection,
          faceFrames: r.face ? r.face.seen.reduce((a, b) => a + b, 0) : 0,
          perFrame: r.frames.map((f, i) => ({ frame: i, lost: f.lost, keypointPx: f.keypointPx, contact: [r.contacts[i * 2], r.contacts[i * 2 + 1]], face: r.face ? r.face.seen[i] === 1 : false })),
        });
      }
      progress.info(
        `motion from-video: ${F} frames at ${r.motion.fps} fps → ${opts.out}${opts.bvh ? ` and ${opts.bvh}` : ''}; ` +
          `${lost} lost frame(s) interpolated and flagged; feet in contact on ${contactFrames} frame(s); ` +
          (r.face ? `face on ${r.face.seen.reduce((a, b) => a + b, 0)} frame(s) (expression channels ${r.face.names.join(', ')}${r.face.gaze ? ', gaze' : ''}); ` : '') +
          `${r.timings.framesPerSecond.toFixed(2)} frames/s overall (perception ${r.timings.perceiveSeconds.toFixed(1)} s, fit ${r.timings.fitSeconds.toFixed(1)} s)`,
      );
    });
}
