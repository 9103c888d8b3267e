import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { perceiveTarget } from '../perceive/index.js';
import { progressFrom } from './context.js';
import { withSubjectWriter } from '../subject/index.js';
import { PersonaError } from '../core/errors.js';

/** `persona perceive <image|subject-dir> [--out <dir>]` */
export function registerPerceive(program: Command): void {
  program
    .command('perceive')
    .description('find the person in the photo: 33 body keypoints (+3D), hands, face mesh, soft matte, overlay')
    .argument('<input>', 'a photo (JPEG, PNG, WebP) or a subject folder made by `persona ingest`')
    .option('-o, --out <dir>', 'subject folder to write (needed for a photo; default: the subject folder given)')
    .option('--person <k>', 'which person when several are found (0 = the largest)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new PersonaError(`--person must be 0 or a positive integer (got "${v}").`, { exitCode: 2 });
      return n;
    })
    .option('--strict', 'fail when the whole body (head to feet) is not visible')
    .option('--force', 'run again even if nothing changed')
    .action(async (input: string, opts: { out?: string; person?: number; strict?: boolean; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      // the folder written: --out, or the subject folder given
      const written = opts.out ?? (statSync(input, { throwIfNoEntry: false })?.isDirectory() ? input : undefined);
      const run = () => perceiveTarget(input, opts.out, { person: opts.person, strict: opts.strict, force: opts.force, progress });
      const r = written ? await withSubjectWriter(written, 'persona perceive', run, { create: opts.out !== undefined }) : await run();
      const p = r.perception.person;
      if (!r.ran) progress.info('perceive: up to date, skipped (use --force to rerun)');
      else
        progress.info(
          `perceive: ${r.subjectDir}/perception/ — ${p.peopleFound ?? '?'} ${p.peopleFound === 1 ? 'person' : 'people'} found, ` +
            `person ${p.index}: ${Math.round(p.heightPx)} px tall, ${p.fullBodyVisible ? 'full body' : 'NOT full body'}, facing ${p.facing}` +
            `, hands ${[r.perception.hands.left ? 'L' : '', r.perception.hands.right ? 'R' : ''].join('') || 'none'}, face ${r.perception.face ? (r.perception.face.source === 'body' ? 'yes (placed by the body keypoints: the face detector missed it)' : 'yes') : 'no'}`,
        );
    });
}
