/**
 * The synthetic benchmark with ground truth (docs/benchmarks.md, src/bench/protocol.ts).
 *
 * Usage: npm run bench [-- options]        all 6 subjects, fast quality, the default motions
 *        npm run bench:quick                subject 0, fast quality, 2 motions × 6 frames (a few minutes)
 * Options: --subjects 0,1,2  --quality test|fast|standard|high  --motions a,b  --frames N  --iterations N
 *          --variants full,noBalanced,noGeometryWeighting,noPoseOffsets  --poses N  --yaws 0,90,180
 *          --refine N  --work DIR  --mode NAME  --no-doc  --seed N (training seed; 0 by default: rerun with others to see the noise)
 *          --generator oracle|oracle-import|builtin (training video: ground truth with artefacts and tracker-like poses; the
 *            same frames imported through the product's frames:<dir> generator; or the product's own)  --bare-body (no clothed proxy)
 *          --cloth-dynamics (builtin generator: simulate the proxy's loose cloth and hair, src/sim)
 * --from-json bench/results/X.json re-renders the Markdown of a stored (possibly partial) report.
 * Writes bench/results/synthetic-<date>[-<mode>].json and the `<mode>` section of docs/benchmarks.md.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { Progress } from '../src/core/progress.js';
import { packageRoot } from '../src/core/version.js';
import { PRESET_NAMES, type PresetName } from '../src/subject/quality.js';
import { DEFAULT_MOTIONS } from '../src/generate/stage.js';
import { QUALITY } from '../src/subject/quality.js';
import { runBenchmark, VARIANT_NAMES, type BenchSettings, type VariantName } from '../src/bench/protocol.js';
import { reportMarkdown, replaceSection } from '../src/bench/report.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const list = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);
const nums = (s: string | undefined): number[] | undefined => list(s)?.map(Number);

const DOC_HEAD = `# Benchmarks

Measured figures of every room, on the project's shared 2-core machine unless a section says otherwise
(timings are noisy: several helpers run at once). Each room's document holds its own benchmark section:

- Gaussian rasterizer: [splat.md](splat.md) (forward/backward timings, pairs/s, memory)
- Training numerics (GEMM, GroupNorm, SSIM kernels): [train-numerics.md](train-numerics.md)
- Body model: [body.md](body.md); rendering: [render.md](render.md); perception: [perceive.md](perceive.md)
- Viewer frame rates: [viewer.md](viewer.md); synthetic subjects: [synthetic-subjects.md](synthetic-subjects.md)
- Raw JSON of every run: \`bench/results/\`

This file holds the **synthetic benchmark with ground truth** (issue #11): \`npm run bench\` and
\`npm run bench:quick\` rewrite their sections below; the protocol is described after them.
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    // the usage is this file's header comment (lines starting with " * ")
    const { readFileSync } = await import('node:fs');
    const header = readFileSync(new URL(import.meta.url).pathname.replace(/dist\/bench\/synthetic\.js$/, 'bench/synthetic.ts'), 'utf8').split('*/')[0]!;
    process.stdout.write(header.split('\n').filter((l) => l.startsWith(' * ')).map((l) => l.slice(3)).join('\n') + '\n');
    return;
  }
  const quick = process.argv.includes('--quick');
  const quality = (arg('quality') ?? 'fast') as PresetName;
  if (!PRESET_NAMES.includes(quality)) throw new Error(`unknown --quality ${quality}`);
  const mode = arg('mode') ?? (quick ? 'quick' : 'full');
  const variants = (list(arg('variants')) ?? VARIANT_NAMES) as VariantName[];
  for (const v of variants) if (!VARIANT_NAMES.includes(v)) throw new Error(`unknown variant ${v} (use ${VARIANT_NAMES.join(', ')})`);
  const settings: BenchSettings = {
    mode,
    subjects: nums(arg('subjects')) ?? (quick ? [0] : [0, 1, 2, 3, 4, 5]),
    quality,
    motions: list(arg('motions')) ?? (quick ? ['turnaround', 'dance'] : [...DEFAULT_MOTIONS]),
    framesPerClip: Number(arg('frames') ?? (quick ? 6 : QUALITY[quality].generate.framesPerClip)),
    heldOutMotions: list(arg('held-out')) ?? ['walk', 'arms-up'],
    posesPerMotion: Number(arg('poses') ?? (quick ? 1 : 2)),
    yawsDeg: nums(arg('yaws')) ?? (quick ? [0, 90] : [0, 90, 180]),
    evalWidth: 256,
    evalHeight: 384,
    iterations: arg('iterations') ? Number(arg('iterations')) : undefined,
    refineEvaluations: Number(arg('refine') ?? 40),
    variants,
    seed: Number(arg('seed') ?? 0),
    workDir: arg('work') ?? join(tmpdir(), 'persona-bench', mode),
    generator: (arg('generator') ?? 'oracle') as 'oracle' | 'oracle-import' | 'builtin',
    clothedProxy: !process.argv.includes('--bare-body'),
    clothDynamics: process.argv.includes('--cloth-dynamics'),
  };
  if (!['oracle', 'oracle-import', 'builtin'].includes(settings.generator ?? 'oracle')) throw new Error(`unknown --generator ${settings.generator} (use oracle, oracle-import or builtin)`);
  const progress = new Progress(process.stdout.isTTY ? 'plain' : 'plain');
  const root = packageRoot();
  const from = arg('from-json');
  if (from) {
    // re-render the Markdown (and the doc section) of a stored report, e.g. a partial one
    const stored = JSON.parse(await readFile(join(root, from), 'utf8')) as Awaited<ReturnType<typeof runBenchmark>>;
    await writeSection(root, stored.settings.mode, reportMarkdown(stored, from), stored.settings.workDir, stored.subjects[0]?.name);
    return;
  }
  const rel = `bench/results/synthetic-${new Date().toISOString().slice(0, 10)}-${mode}.json`;
  await mkdir(join(root, 'bench/results'), { recursive: true });
  // the JSON is rewritten after every subject, so an interrupted run keeps what it measured
  const report = await runBenchmark(settings, progress, (partial) => writeJsonAtomic(join(root, rel), { ...partial, partial: true }));
  await writeJsonAtomic(join(root, rel), report);
  const md = reportMarkdown(report, rel);
  console.log(md);
  if (!process.argv.includes('--no-doc')) await writeSection(root, mode, md, settings.workDir, report.subjects[0]?.name);
}

/** Writes the run's section of docs/benchmarks.md and copies the first subject's sheet as its figure. */
async function writeSection(root: string, mode: string, md: string, workDir: string, firstSubject: string | undefined): Promise<void> {
  const docPath = join(root, 'docs/benchmarks.md');
  const doc = existsSync(docPath) ? await readFile(docPath, 'utf8') : DOC_HEAD;
  const heading = mode === 'quick' ? '## Synthetic benchmark — quick run (`npm run bench:quick`)' : `## Synthetic benchmark — \`${mode}\` run`;
  let body = md;
  const sheet = join(workDir, firstSubject ?? '', 'sheet.png');
  if (firstSubject && existsSync(sheet)) {
    const image = `images/bench-${mode}-${firstSubject}.png`;
    await copyFile(sheet, join(root, 'docs', image));
    body += `\n\n![${firstSubject}: truth | avatar raw | avatar refined, full method](${image})`;
  }
  await writeFile(docPath, replaceSection(doc, mode, body, heading));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
