/** A job's options from the upload form's fields, checked the way the CLI checks its flags. */
import { PersonaError } from '../core/errors.js';
import { checkGenerateOptions, DEFAULT_MOTIONS } from '../generate/stage.js';
import { listBuiltinMotions } from '../motion/index.js';
import { PRESET_NAMES, type PresetName } from '../subject/index.js';
import type { JobOptions } from './types.js';
import { HttpError } from './upload.js';

/** Quality a web user gets unless they choose: `fast` (minutes, not tens of minutes, on a laptop). */
export const DEFAULT_WEB_QUALITY: PresetName = 'fast';

export function parseJobOptions(fields: Map<string, string>): JobOptions {
  const quality = (fields.get('quality') ?? DEFAULT_WEB_QUALITY) as PresetName;
  if (!PRESET_NAMES.includes(quality)) throw new HttpError(400, `Unknown quality "${quality}".`, `Use one of: ${PRESET_NAMES.join(', ')}.`);
  const motionsText = fields.get('motions')?.trim();
  const motions = motionsText ? motionsText.split(',').map((m) => m.trim()).filter(Boolean) : [...DEFAULT_MOTIONS];
  if (motions.length === 0 || motions.length > 8) throw new HttpError(400, 'Choose between one and eight motions.');
  try {
    checkGenerateOptions({ generator: 'builtin', motions }); // builtin generator only: no server paths from a request
  } catch (err) {
    if (err instanceof PersonaError) throw new HttpError(400, err.message, `Builtin motions: ${listBuiltinMotions().map((m) => m.name).join(', ')}.`);
    throw err;
  }
  const int = (name: string, min: number, max: number): number | undefined => {
    const text = fields.get(name)?.trim();
    if (!text) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be a whole number from ${min} to ${max} (got "${text.slice(0, 20)}").`);
    return n;
  };
  return { quality, motions, seed: int('seed', 0, 2 ** 31 - 1) ?? 0, person: int('person', 0, 99) };
}
