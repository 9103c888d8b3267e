import type { Command } from 'commander';
import { ingest, DEFAULT_MAX_SIDE } from '../ingest/ingest.js';
import { parsePositiveInt, progressFrom } from './context.js';
import { withSubjectWriter } from '../subject/index.js';

/** `persona ingest <image> --out <dir>` */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store a photo in a subject folder (EXIF orientation applied, alpha kept as a mask hint, size bounded)')
    .argument('<image>', 'JPEG, PNG or WebP photo of one person')
    .requiredOption('-o, --out <dir>', 'subject folder to write')
    .option('--max-side <px>', 'bound on the long side', parsePositiveInt('max-side'), DEFAULT_MAX_SIDE)
    .option('--force', 'run again even if nothing changed')
    .action(async (image: string, opts: { out: string; maxSide: number; force?: boolean }, cmd: Command) => {
      const progress = progressFrom(cmd);
      const r = await withSubjectWriter(opts.out, 'persona ingest', () => ingest(image, opts.out, { maxSide: opts.maxSide, force: opts.force }), { create: true });
      progress.info(
        r.ran
          ? `ingest: ${image} → ${opts.out}/input/image.png (${r.width}×${r.height}${r.scale < 1 ? `, downscaled from ${r.originalWidth}×${r.originalHeight}` : ''}${r.exifOrientation !== 1 ? `, EXIF orientation ${r.exifOrientation} applied` : ''}${r.hasAlphaHint ? ', alpha saved as input/alpha.png' : ''})`
          : `ingest: up to date, skipped (use --force to rerun)`,
      );
    });
}
