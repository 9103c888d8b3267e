/**
 * The clothed proxy on real photos: runs ingest → perceive → fit → shape → texture → two builtin frames
 * (back view and a dance pose) on every photo of a folder (the development set: scripts/fetch-real-photos.ts
 * fills /tmp/persona-real), and writes per photo a sheet — shape/overlay.png (photo | proxy over it | canonical
 * front, side, back) above the two generated frames — plus bench/results/real-shape.json with the figures.
 * Run: npm run bench:real-shape [-- --photos DIR --out DIR --only name1,name2]
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

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const photos = arg('photos') ?? '/tmp/persona-real';
const out = arg('out') ?? '/tmp/persona-real-shape';
const only = arg('only')?.split(',');
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
    await writePng(join(out, `${name}.png`), contactSheet([overlay, gen], { columns: 2, cellHeight: Math.max(overlay.height, gen.height) }));
    const row = { name, keypointPx: +fit.residuals.keypointPx.toFixed(1), fitIoU: +fit.residuals.silhouetteIoU.toFixed(3), proxyIoU: +(shaped.silhouetteIoU ?? NaN).toFixed(3), looseFraction: +(shaped.stats?.looseFraction ?? NaN).toFixed(3), hairFraction: +(shaped.stats?.hairFraction ?? NaN).toFixed(3), vertices: shaped.stats?.vertices, seconds: t };
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
writeFileSync('bench/results/real-shape.json', JSON.stringify({ date: new Date().toISOString(), load, photos: rows }, null, 2) + '\n');
