/** Checks of a motion's size and timing against MOTION_LIMITS (src/motion/config.ts), with clear messages. */
import { PersonaError } from '../core/errors.js';
import { MOTION_LIMITS } from './config.js';

const HINT = `Persona reads motions of at most ${MOTION_LIMITS.maxSeconds / 60} minutes and ${MOTION_LIMITS.maxFrames} frames, at ${MOTION_LIMITS.minFps}…${MOTION_LIMITS.maxFps} fps; check the file's header, or cut the motion into shorter clips.`;

/** Throws a PersonaError naming `source` when a frame rate is outside MOTION_LIMITS. */
export function checkMotionFps(source: string, fps: number, field = 'fps'): void {
  if (!(Number.isFinite(fps) && fps >= MOTION_LIMITS.minFps && fps <= MOTION_LIMITS.maxFps))
    throw new PersonaError(`${source}: ${field} gives ${fps} frames per second, outside ${MOTION_LIMITS.minFps}…${MOTION_LIMITS.maxFps}.`, { hint: HINT });
}

/** Throws a PersonaError naming `source` when a frame count or duration is outside MOTION_LIMITS (call before allocating). */
export function checkMotionSize(source: string, frameCount: number, fps: number): void {
  checkMotionFps(source, fps);
  if (!(Number.isInteger(frameCount) && frameCount >= 1 && frameCount <= MOTION_LIMITS.maxFrames))
    throw new PersonaError(`${source}: ${frameCount} frames is more than the ${MOTION_LIMITS.maxFrames} a motion may have.`, { hint: HINT });
  const seconds = (frameCount - 1) / fps;
  if (seconds > MOTION_LIMITS.maxSeconds)
    throw new PersonaError(`${source}: the motion lasts ${seconds.toFixed(0)} s (${frameCount} frames at ${fps} fps), more than the ${MOTION_LIMITS.maxSeconds} s limit.`, { hint: HINT });
}
