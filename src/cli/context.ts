import type { Command } from 'commander';
import { Progress } from '../core/progress.js';
import { PersonaError } from '../core/errors.js';

/** Global options shared by every command. */
export interface GlobalOptions {
  quiet?: boolean;
  logJson?: boolean;
}

/** The progress reporter that the global flags ask for. */
export function progressFrom(cmd: Command): Progress {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return new Progress(g.logJson ? 'json' : g.quiet ? 'quiet' : 'auto');
}

/** Prints a failure the way users should see it: one message, one hint, no stack. */
export function reportError(err: unknown): number {
  if (err instanceof PersonaError) {
    process.stderr.write(`persona: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  if (e instanceof RangeError && /allocation|typed array length|array length|buffer size/i.test(e.message)) {
    // a size that passed every check but still does not fit in memory
    process.stderr.write(`persona: the input asks for more memory than this machine can give (${e.message}).\n`);
    process.stderr.write('hint: check the input file for a huge size or count, or use a smaller --size / quality.\n');
    return 1;
  }
  process.stderr.write(`persona: unexpected error: ${e?.message ?? String(err)}\n`);
  if (process.env.PERSONA_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  else process.stderr.write('hint: set PERSONA_DEBUG=1 for the stack trace, and report it if it persists.\n');
  return 1;
}

/** Parses --seed: a non-negative integer (an unparsable seed must not silently become seed 0). */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0)
    throw new PersonaError(`--seed must be a non-negative integer (got "${value}").`, { exitCode: 2 });
  return n;
}

/** Parses --fov: a field of view in degrees, 5–170 (an unparsable angle must not become a NaN camera). */
export function parseFov(value: string): number {
  const n = Number(value);
  if (!(n > 5 && n < 170)) throw new PersonaError(`--fov must be an angle in degrees between 5 and 170 (got "${value}").`, { exitCode: 2 });
  return n;
}

/** Parses a positive integer flag value, or fails as a usage error (exit 2). */
export function parsePositiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new PersonaError(`--${name} must be a positive integer (got "${value}").`, { exitCode: 2 });
    return n;
  };
}
