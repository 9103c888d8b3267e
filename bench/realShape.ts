/**
 * The clothed proxy on real photos: runs ingest → perceive → fit → shape → texture → two builtin frames
 * (back view and a dance pose) on every photo of a folder (the development set: scripts/fetch-real-photos.ts
 * fills /tmp/persona-real), and writes per photo a sheet — shape/overlay.png (photo | proxy over it | canonical
 * front, side, back) above the two generated frames — plus bench/results/real-shape.json with the figures.
 * With `--avatar N` it also trains an avatar per photo (builtin generator, 2 motions × 6 frames at 384 px,
 * `fast` model, N iterations: fewer than `persona create` runs, to fit 21 photos into a session on two cores)
 * and adds a rest-pose turntable of it (4 views) as a third row; the figures then go to real-avatar.json.
 * Run: npm run bench:real-shape [-- --photos DIR --out DIR --only name1,name2 --avatar 120]
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, extname, join } from 'node:path';
import { ingest } from '../src/ingest/ingest.js';
import { perceiveSubject } from '../src/perceive/stage.js';
import { runFitStage } from '../src/fit/stage.js';
import { runTextureStage } from '../src/texture/stage.js';
import { runShapeStage, loadSubjectProxy } from '../src/shape/index.js';
import { renderBuiltinClip } from '../src/generate/builtin.js';
import { loadBodyModel } from '../src/body/model.js';
import { readImage, writePng } from '../src/core/image.js';
import { fitLongSide, resizeCamera } from '../src/core/camera.js';
import { contactSheet } from '../src/render/index.js';
import { cameraFromJson, fitPose } from '../src/fit/types.js';
import { Progress } from '../src/core/progress.js';
import { runGenerateStage } from '../src/generate/stage.js';
import { runTrainStage } from '../src/train/stage.js';
import { loadAvatar } from '../src/avatar/bundle.js';
import { turntable } from '../src/animate/animate.js';
import { resolvePose } from '../src/animate/motionArg.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const photos = arg('photos') ?? '/tmp/persona-real';
const out = arg('out') ?? '/tmp/persona-real-shape';
const only = arg('only')?.split(',');
const avatarIterations = arg('avatar') !== undefined ? Number(arg('avatar')) : undefined;
if (avatarIterations !== undefined && !(Number.isInteger(avatarIterations) && avatarIterations > 0)) throw new Error('--avatar takes a positive number of training iterations');
mkdirSync(out, { recursive: true });
const body = loadBodyModel();
const rows: Array<Record<string, unknown>> = [];
const files = readdirSync(photos).filter((f) => /\.(png|jpe?g|webp)$/i.test(f)).sort();
for (const file of files) {
  const name = basename(file, extname(file));
  if (only && !only.includes(name)) continue;
  const dir = join(out, name);
  const t: Record<string, number> = {};
  const timed = async <T>(k: string, f: () => Promise<T>): Promise<T> => { const s = performance.now(); const r = await f(); t[k] = +((performance.now() - s) / 1000).toFixed(1); return r; };
  try {
    await timed('ingest', () => ingest(join(photos, file), dir));
    await timed('perceive', () => perceiveSubject(dir, { progress: Progress.silent() }));
    const fitted = await timed('fit', () => runFitStage(dir, {}));
    const shaped = await timed('shape', () => runShapeStage(dir, { body }));
    await timed('texture', () => runTextureStage(dir, { size: 512 }));
    const clothed = loadSubjectProxy(dir)!;
    const fit = fitted.fit;
    const cam = cameraFromJson(fit.camera);
    const dims = fitLongSide(cam.width, cam.height, 384);
    const camera = resizeCamera(cam, dims.width, dims.height);
    const texture = await readImage(join(dir, 'texture/texture.png'), 3);
    const frames = [
      ...renderBuiltinClip({ body, shape: fit.shape, fitPose: fitPose(fit), camera, texture, motion: 'turnaround', frames: 4, proxy: clothed }).slice(1, 3),
      ...renderBuiltinClip({ body, shape: fit.shape, fitPose: fitPose(fit), camera, texture, motion: 'dance', frames: 3, proxy: clothed }).slice(1, 2),
    ];
    const overlay = await readImage(join(dir, 'shape/overlay.png'), 3);
    const gen = contactSheet(frames.map((f) => f.image), { columns: 3, labels: ['generated: turning', 'generated: back', 'generated: dance'] });
    const sheetRows = [overlay, gen];
    const trained: Record<string, number> = {};
    if (avatarIterations !== undefined) {
      await timed('generate', () => runGenerateStage(dir, { motions: ['turnaround', 'dance'], framesPerClip: 6, size: 384 }));
      const tr = await timed('train', () => runTrainStage(dir, { quality: 'fast', iterations: avatarIterations }));
      if (tr.result) Object.assign(trained, { photoPsnrBefore: +tr.result.photoPsnrBefore.toFixed(2), photoPsnrAfter: +tr.result.photoPsnrAfter.toFixed(2), secondsPerIteration: +tr.result.secondsPerIteration.toFixed(3) });
      const avatar = await loadAvatar(dir);
      sheetRows.push(await timed('turntable', async () => turntable(avatar, await resolvePose(avatar, { pose: 'rest' }), { views: 4, size: 256 })));
    }
    await writePng(join(out, `${name}.png`), contactSheet(sheetRows, { columns: avatarIterations !== undefined ? 1 : 2, cellHeight: Math.max(...sheetRows.map((r) => r.height)) }));
    const row = { name, keypointPx: +fit.residuals.keypointPx.toFixed(1), fitIoU: +fit.residuals.silhouetteIoU.toFixed(3), proxyIoU: +(shaped.silhouetteIoU ?? NaN).toFixed(3), looseFraction: +(shaped.stats?.looseFraction ?? NaN).toFixed(3), hairFraction: +(shaped.stats?.hairFraction ?? NaN).toFixed(3), spansLegsFraction: +(shaped.stats?.spansLegsFraction ?? NaN).toFixed(3), shinsApart: shaped.stats?.shinsApart, legsApart: shaped.stats?.legsApart, sheetFraction: +(shaped.stats?.sheetFraction ?? NaN).toFixed(3), vertices: shaped.stats?.vertices, ...trained, seconds: t };
    rows.push(row);
    console.log(JSON.stringify(row));
  } catch (e) {
    rows.push({ name, error: (e as Error).message, seconds: t });
    console.log(`${name}: ${(e as Error).message}`);
  }
}
const load = loadavg().map((x) => +x.toFixed(2));
console.log(`load average ${load.join(' ')}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(avatarIterations !== undefined ? 'bench/results/real-avatar.json' : 'bench/results/real-shape.json', JSON.stringify({ date: new Date().toISOString(), load, photos: rows }, null, 2) + '\n');
