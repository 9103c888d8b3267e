/**
 * bench:real — the stages before training on real photos (issue #19): every photo of a folder
 * (default /tmp/persona-real, filled by `npm run fetch:real`) goes through ingest → perceive → fit →
 * texture in its own subject folder; the bench writes a contact sheet (one row per photo: photo |
 * perception overlay | fit over the photo | fitted body from the side | texture) and a JSON of per-photo
 * figures (keypoint reprojection error, silhouette IoU of the fit against the matte, warnings, inferred
 * sex and its confidence, seconds per stage).
 *
 * Adding a stage (e.g. `shape`, issue #17): append one entry to STAGES (how to run it, what to record)
 * and one to COLUMNS (what to show); nothing else changes.
 *
 * Subject folders and sheets go to --out (default <tmpdir>/persona-bench-real/<label>); the JSON also to
 * bench/results/real-<label>.json (full runs only).
 *
 * Run: npm run bench:real [-- <photo-dir>] [--out <dir>] [--label before]
 *        [--only name1,name2] [--max-side 1024] [--force]
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { readImage, writePng, type FloatImage } from '../src/core/image.js';
import { Progress } from '../src/core/progress.js';
import { ingest } from '../src/ingest/ingest.js';
import { perceiveSubject } from '../src/perceive/index.js';
import { fitViews, runFitStage } from '../src/fit/stage.js';
import { readFit } from '../src/subject/artefacts.js';
import { runTextureStage } from '../src/texture/stage.js';
import { resolveBody } from '../src/body/index.js';
import { Subject } from '../src/subject/manifest.js';
import { SUBJECT_FILES } from '../src/subject/files.js';
import { contactSheet, resizeImage } from '../src/render/index.js';
import { packageRoot } from '../src/core/version.js';

/** What one photo's run recorded. */
export interface RealRow {
  name: string;
  width: number;
  height: number;
  warnings: string[];
  peopleFound: number | null;
  fullBodyVisible?: boolean;
  keypointPx?: number;
  keypointRelative?: number;
  silhouetteIoU?: number;
  uncertain?: string[];
  /** What the fit inferred about the person (fit/body.json `phenotypePrior`), when the fit records it. */
  sex?: { inferred: string; confidence: number; used: string } | null;
  seenFraction?: number;
  /** Limb segments the fit orders the other way round in depth from BlazePose's world landmarks (fit/body.json). */
  depthOrder?: string[];
  /** Hands perception called seen that the unwrap found covered by clothing (texture stage notes, PART_INDEX). */
  handsCovered?: number[];
  /** Hands painted in the skin tone (unseen or covered). */
  handsPainted?: number[];
  seconds: Record<string, number>;
  error?: string;
}

interface Context {
  dir: string;
  photo: string;
  row: RealRow;
  progress: Progress;
  force: boolean;
}

/** The stages run per photo, in order; each records its figures into the row. */
const STAGES: Array<{ name: string; run: (c: Context) => Promise<void> }> = [
  {
    name: 'ingest',
    run: async (c) => {
      const r = await ingest(c.photo, c.dir, { maxSide: maxSide(), force: c.force });
      c.row.width = r.width; c.row.height = r.height;
    },
  },
  {
    name: 'perceive',
    run: async (c) => {
      const r = await perceiveSubject(c.dir, { force: c.force, progress: c.progress });
      c.row.warnings.push(...r.perception.person.warnings);
      c.row.peopleFound = r.perception.person.peopleFound;
      c.row.fullBodyVisible = r.perception.person.fullBodyVisible;
    },
  },
  {
    name: 'fit',
    run: async (c) => {
      const r = await runFitStage(c.dir, { force: c.force, progress: c.progress });
      const f = r.fit as typeof r.fit & { phenotypePrior?: { sex?: { inferred: string; confidence: number; used: string } } };
      c.row.keypointPx = r.fit.residuals.keypointPx;
      c.row.keypointRelative = r.fit.residuals.keypointRelative;
      c.row.silhouetteIoU = r.fit.residuals.silhouetteIoU;
      c.row.uncertain = r.fit.uncertain;
      c.row.sex = f.phenotypePrior?.sex ?? null;
      c.row.depthOrder = (r.fit.depthOrder ?? []).map((d) => d.segment);
      if (r.fit.uncertain.length > 0) c.row.warnings.push(`fit: uncertain parts: ${r.fit.uncertain.join(', ')}`);
    },
  },
  {
    name: 'texture',
    run: async (c) => {
      const r = await runTextureStage(c.dir, { force: c.force });
      c.row.seenFraction = r.seenFraction;
      const notes = JSON.parse(readFileSync(join(c.dir, 'manifest.json'), 'utf8')).stages?.texture?.notes ?? {};
      c.row.handsCovered = notes.handsCovered ?? [];
      c.row.handsPainted = notes.handsPainted ?? [];
    },
  },
];

/** The contact sheet's columns: each draws one cell of a photo's row (undefined: stage missing). */
const COLUMNS: Array<{ label: string; draw: (dir: string) => Promise<FloatImage | undefined> }> = [
  { label: 'photo', draw: async (dir) => readIf(join(dir, SUBJECT_FILES.image)) },
  { label: 'perception', draw: async (dir) => readIf(join(dir, 'perception/overlay.png')) },
  { label: 'fit over photo', draw: async (dir) => (await views(dir))?.over },
  { label: 'fit side view', draw: async (dir) => (await views(dir))?.side },
  { label: 'texture', draw: async (dir) => readIf(join(dir, SUBJECT_FILES.texture)) },
];

const viewCache = new Map<string, { over: FloatImage; side: FloatImage } | undefined>();
async function views(dir: string): Promise<{ over: FloatImage; side: FloatImage } | undefined> {
  if (viewCache.has(dir)) return viewCache.get(dir);
  let v: { over: FloatImage; side: FloatImage } | undefined;
  if (existsSync(join(dir, SUBJECT_FILES.fit))) {
    const fit = await readFit(new Subject(dir));
    const photo = await readImage(join(dir, SUBJECT_FILES.image), 3);
    v = fitViews(photo, fit, resolveBody('default'));
  }
  viewCache.set(dir, v);
  return v;
}

async function readIf(file: string): Promise<FloatImage | undefined> {
  return existsSync(file) ? readImage(file, 3) : undefined;
}

function arg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function maxSide(): number {
  return Number(arg('--max-side') ?? 1024);
}

/** Positional arguments (not flags or their values). */
function positional(): string[] {
  const out: string[] = [];
  const valued = new Set(['--out', '--label', '--only', '--max-side']);
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i]!;
    if (valued.has(a)) { i++; continue; }
    if (!a.startsWith('--')) out.push(a);
  }
  return out;
}

/** One row of the sheet: the columns at a common cell size, labelled with the photo's figures. */
async function sheetRow(dir: string, row: RealRow, cell: number): Promise<FloatImage> {
  const images: FloatImage[] = [];
  const labels: string[] = [];
  for (const col of COLUMNS) {
    const img = (await col.draw(dir)) ?? blank(cell);
    const s = cell / Math.max(img.width, img.height);
    images.push(resizeImage(img, Math.max(1, Math.round(img.width * s)), Math.max(1, Math.round(img.height * s))));
    labels.push(col.label);
  }
  labels[0] = row.name;
  if (row.keypointPx !== undefined) labels[2] = `kp ${row.keypointPx.toFixed(1)}px IoU ${(row.silhouetteIoU ?? NaN).toFixed(2)}`;
  if (row.sex) labels[3] = `${row.sex.inferred} ${row.sex.confidence.toFixed(2)} (${row.sex.used})`;
  if (row.error) labels[1] = 'FAILED';
  return contactSheet(images, { columns: images.length, cellWidth: cell, cellHeight: cell, labels, labelScale: 1, padding: 4 });
}

function blank(side: number): FloatImage {
  return { width: side, height: side, channels: 3, data: new Float32Array(side * side * 3).fill(0.85) };
}

async function main(): Promise<void> {
  const photoDir = positional()[0] ?? '/tmp/persona-real';
  const label = arg('--label') ?? 'latest';
  const out = arg('--out') ?? join(tmpdir(), 'persona-bench-real', label);
  const only = arg('--only')?.split(',');
  const force = process.argv.includes('--force');
  if (!existsSync(photoDir)) {
    console.error(`${photoDir} does not exist: fill it with \`npm run fetch:real -- --out ${photoDir}\` first.`);
    process.exitCode = 1;
    return;
  }
  const photos = readdirSync(photoDir)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .filter((f) => !only || only.includes(basename(f, extname(f))))
    .sort();
  mkdirSync(join(out, 'subjects'), { recursive: true });
  const progress = new Progress('plain');
  const rows: RealRow[] = [];
  for (const file of photos) {
    const name = basename(file, extname(file));
    const row: RealRow = { name, width: 0, height: 0, warnings: [], peopleFound: null, seconds: {} };
    const c: Context = { dir: join(out, 'subjects', name), photo: join(photoDir, file), row, progress: Progress.silent(), force };
    for (const stage of STAGES) {
      const t0 = Date.now();
      try {
        await stage.run(c);
      } catch (error) {
        row.error = `${stage.name}: ${(error as Error).message}`;
        break;
      } finally {
        row.seconds[stage.name] = (Date.now() - t0) / 1000;
      }
    }
    rows.push(row);
    progress.info(
      `${name}: kp ${row.keypointPx?.toFixed(1) ?? '-'} px, IoU ${row.silhouetteIoU?.toFixed(3) ?? '-'}, sex ${row.sex ? `${row.sex.inferred} ${row.sex.confidence.toFixed(2)}` : '-'}` +
        `${row.error ? `, FAILED ${row.error}` : ''}${row.warnings.length ? `\n  ${row.warnings.join('\n  ')}` : ''}`,
    );
  }
  const ok = rows.filter((r) => r.keypointPx !== undefined);
  const mean = (f: (r: RealRow) => number): number => ok.reduce((s, r) => s + f(r), 0) / Math.max(1, ok.length);
  const summary = {
    photos: rows.length,
    fitted: ok.length,
    meanKeypointPx: mean((r) => r.keypointPx!),
    meanKeypointRelative: mean((r) => r.keypointRelative!),
    meanSilhouetteIoU: mean((r) => r.silhouetteIoU!),
    warnings: rows.reduce((s, r) => s + r.warnings.length, 0),
  };
  const report = { label, photoDir, maxSide: maxSide(), date: new Date().toISOString(), loadAverage: loadavg(), summary, rows };
  await writeJsonAtomic(join(out, 'real.json'), report);
  if (!only) await writeJsonAtomic(join(packageRoot(), 'bench', 'results', `real-${label}.json`), report);
  // Contact sheets of at most 8 rows each (a single sheet of 20 rows is too tall to look at).
  const cell = 256;
  const perSheet = 8;
  for (let s = 0; s * perSheet < rows.length; s++) {
    const part = rows.slice(s * perSheet, (s + 1) * perSheet);
    const images = [];
    for (const r of part) images.push(await sheetRow(join(out, 'subjects', r.name), r, cell));
    await writePng(join(out, `sheet-${s + 1}.png`), contactSheet(images, { columns: 1, padding: 2 }));
  }
  progress.info(`bench:real ${label}: ${ok.length}/${rows.length} fitted, mean keypoint ${summary.meanKeypointPx.toFixed(1)} px (${(100 * summary.meanKeypointRelative).toFixed(2)}% of height), mean IoU ${summary.meanSilhouetteIoU.toFixed(3)}, ${summary.warnings} warnings → ${out}`);
}

await main();
