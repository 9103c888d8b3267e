/**
 * Which body model a subject uses: the open default (MakeHuman, compiled in assets/body) or a
 * user-supplied SMPL-X `.npz` (`smplx:<path>`; SMPL-X cannot be redistributed, so it is never shipped).
 */
import { existsSync } from 'node:fs';
import { PersonaError } from '../core/errors.js';
import { loadBodyModel, type ArrayBodyModel } from './model.js';
import { loadSmplx } from './smplx.js';

/** A body choice as given on the command line: "default" or "smplx:<path.npz>". */
export type BodySpec = string;

/** Checks a body spec early (before long work); throws a PersonaError saying what to do. */
export function checkBodySpec(spec: BodySpec): void {
  if (spec === 'default' || spec === 'makehuman') return;
  if (spec.startsWith('smplx:')) {
    const path = spec.slice('smplx:'.length);
    if (!path) throw new PersonaError('--body smplx: needs a path, e.g. --body smplx:./SMPLX_NEUTRAL.npz');
    if (!existsSync(path))
      throw new PersonaError(`SMPL-X model file not found: ${path}`, {
        hint: 'SMPL-X is not shipped (its licence forbids it): download SMPLX_NEUTRAL.npz from the SMPL-X site yourself, or use --body default.',
      });
    return;
  }
  throw new PersonaError(`unknown body model "${spec}"`, { hint: 'use --body default or --body smplx:<path/to/SMPLX_NEUTRAL.npz>', exitCode: 2 });
}

/** Loads the body model of a spec. */
export function resolveBody(spec: BodySpec = 'default'): ArrayBodyModel {
  checkBodySpec(spec);
  if (spec.startsWith('smplx:')) return loadSmplx(spec.slice('smplx:'.length));
  return loadBodyModel();
}
