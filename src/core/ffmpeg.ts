/**
 * Which `ffmpeg` binary runs video encoding and decoding. Order: the `PERSONA_FFMPEG` environment
 * variable (a path; an unusable one is an error, never silently replaced), then `ffmpeg` on PATH, then
 * the static build that `npm install` brings (`@ffmpeg-installer/ffmpeg`: the binary ships inside the
 * npm package, nothing is downloaded at install). Resolved once per process.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { PersonaError } from './errors.js';

/** Where the chosen ffmpeg came from. */
export type FfmpegSource = 'env' | 'path' | 'npm';

/** The resolved ffmpeg: a command to spawn, and where it came from. */
export interface FfmpegBinary {
  command: string;
  source: FfmpegSource;
}

/** Environment variable that names the ffmpeg binary to use. */
export const FFMPEG_ENV = 'PERSONA_FFMPEG';

let resolved: FfmpegBinary | null | undefined;

function runs(command: string): boolean {
  const r = spawnSync(command, ['-version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** The npm-shipped binary's path, or undefined when the package is absent (other platforms, pruned installs). */
function npmFfmpeg(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined;
  }
}

/**
 * The ffmpeg to run, or null when none is available. Throws a PersonaError when `PERSONA_FFMPEG` is set
 * but does not run (a user's explicit choice is not second-guessed).
 */
export function findFfmpeg(): FfmpegBinary | null {
  if (resolved !== undefined) return resolved;
  const fromEnv = process.env[FFMPEG_ENV];
  if (fromEnv) {
    if (!runs(fromEnv))
      throw new PersonaError(`${FFMPEG_ENV}=${fromEnv} does not run (\`${fromEnv} -version\` failed).`, {
        hint: `Point ${FFMPEG_ENV} at a working ffmpeg, or unset it to use the one on PATH or the one npm installed.`,
      });
    return (resolved = { command: fromEnv, source: 'env' });
  }
  if (runs('ffmpeg')) return (resolved = { command: 'ffmpeg', source: 'path' });
  const shipped = npmFfmpeg();
  if (shipped && runs(shipped)) return (resolved = { command: shipped, source: 'npm' });
  return (resolved = null);
}

/** The ffmpeg to run; a PersonaError saying what to do when there is none. `purpose` completes "… needs ffmpeg". */
export function requireFfmpeg(purpose: string): string {
  const f = findFfmpeg();
  if (f) return f.command;
  throw new PersonaError(`${purpose} needs ffmpeg, and none was found (${FFMPEG_ENV} unset, none on PATH, and the npm-installed one is missing or does not run).`, {
    hint: 'Run `npm install` in the Persona folder (it brings a static ffmpeg), install ffmpeg (Debian/Ubuntu: apt-get install -y ffmpeg), or set PERSONA_FFMPEG.',
  });
}

/** Whether some ffmpeg is available. */
export function ffmpegAvailable(): boolean {
  return findFfmpeg() !== null;
}

/** Forgets the resolved binary (tests that change PATH or PERSONA_FFMPEG). */
export function resetFfmpegForTests(): void {
  resolved = undefined;
}
