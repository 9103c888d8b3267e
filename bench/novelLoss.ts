/**
 * Where the synthetic benchmark's novel views lose silhouette IoU: for each test view of a finished benchmark run
 * (`npm run bench … --work DIR`), the IoU against the ground truth of four things, each one step further from the truth:
 *
 *   A  the truth's own garments moved by skinning alone (its pose-driven offsets off, `SyntheticSubject.pose(…, { deform:
 *      false })`): what no skinned surface can do better than;
 *   B  the clothed proxy built from the TRUE body, pose, camera and matte, re-posed by its skinning: the proxy's prior;
 *   C  the run's own proxy, built from the fitted body, posed and framed as the avatar is: the fit on top;
 *   D  the run's trained avatar, raw and refined (the benchmark's own figures, recomputed).
 *
 * Writes bench/results/novel-loss-<mode>.json and, per subject, a sheet truth | B against the truth | C against the truth
 * (green both, red truth only, blue proxy only) into --sheets (default /tmp/persona-novel-loss).
 * Run: node dist/bench/novelLoss.js --report bench/results/synthetic-<date>-<mode>.json [--subjects 0,2] [--sheets DIR] [--no-avatar]
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { createImage, writePng, type FloatImage } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { resolveBody, BodyPoser } from '../src/body/index.js';
import { rasterizeMesh } from '../src/render/raster.js';
import { contactSheet } from '../src/render/index.js';
import { buildClothedProxy, readProxy, SHAPE_CONFIG } from '../src/shape/index.js';
import { loadAvatar } from '../src/avatar/bundle.js';
import type { BodyFit } from '../src/fit/types.js';
import { makeSubject } from '../src/bench/subjects.js';
import { avatarViewCamera, buildTestViews, evaluateAvatar, heldOutPoses, softIoU } from '../src/bench/evaluate.js';
import type { BenchReport } from '../src/bench/protocol.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const reportPath = arg('report');
if (!reportPath) throw new Error('usage: node dist/bench/novelLoss.js --report bench/results/synthetic-<date>-<mode>.json [--subjects 0,2] [--sheets DIR] [--no-avatar]');
const root = packageRoot();
const report = JSON.parse(readFileSync(join(root, reportPath), 'utf8')) as BenchReport;
const st = report.settings;
const ids = arg('subjects')?.split(',').map(Number) ?? report.subjects.map((s) => s.id);
const sheets = arg('sheets') ?? '/tmp/persona-novel-loss';
const withAvatar = !args.includes('--no-avatar');
mkdirSync(sheets, { recursive: true });
const body = resolveBody('default');
const size = { width: st.evalWidth, height: st.evalHeight };

/** Silhouette IoU of a mesh raster's coverage against a truth coverage (both thresholded at one half). */
function iou(triangleId: Int32Array, truthAlpha: Float32Array): number {
  let i = 0, u = 0;
  for (let p = 0; p < truthAlpha.length; p++) { const a = triangleId[p]! >= 0, b = truthAlpha[p]! > 0.5; if (a && b) i++; if (a || b) u++; }
  return u ? i / u : 1;
}

/** Agreement picture: green both, red truth only, blue mesh only. */
function agreement(triangleId: Int32Array, truthAlpha: Float32Array): FloatImage {
  const img = createImage(size.width, size.height, 3);
  for (let p = 0; p < truthAlpha.length; p++) {
    const a = triangleId[p]! >= 0, b = truthAlpha[p]! > 0.5;
    img.data.set(a && b ? [0.3, 0.8, 0.3] : b ? [1, 0, 0] : a ? [0.2, 0.2, 1] : [1, 1, 1], p * 3);
  }
  return img;
}

interface Row { view: string; skinnedTruth: number; trueFitProxy: number; fittedProxy: number; avatarRaw: number | null; avatarRefined: number | null }
const results: Array<{ id: number; name: string; views: Row[]; mean: Omit<Row, 'view'> }> = [];
for (const id of ids) {
  const subject = makeSubject(id);
  const name = subject.spec.name, dir = join(st.workDir, name);
  const fit = JSON.parse(readFileSync(join(dir, 'base/fit/body.json'), 'utf8')) as BodyFit;
  const photo = subject.photo();
  const views = buildTestViews(subject, body, fit, photo.camera, heldOutPoses(subject, st, st.heldOutMotions, st.posesPerMotion), st.yawsDeg, size);
  const matte = createImage(photo.camera.width, photo.camera.height, 1);
  matte.data.set(photo.render.alpha);
  const trueProxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose: photo.posed.pose, camera: photo.camera, matte, config: SHAPE_CONFIG });
  const trueProxyPoser = new BodyPoser(trueProxy.model);
  const fitted = readProxy(join(dir, 'base/shape'));
  const fittedPoser = new BodyPoser(fitted.model), poser = new BodyPoser(body);
  const avatar = withAvatar ? evaluateAvatar(subject, body, await loadAvatar(join(dir, 'full/avatar')), fit, views,
    { image: createImage(size.width, size.height, 3), alpha: new Float32Array(size.width * size.height), regions: {} }, { refine: { evaluations: st.refineEvaluations } }).views : undefined;
  const rows: Row[] = [];
  const tiles: FloatImage[] = [];
  views.forEach((v, k) => {
    const skinned = subject.pose(v.truthPose, { deform: false });
    const skinnedAlpha = subject.render(skinned, v.camera, { supersample: 2, background: [1, 1, 1] }).alpha;
    const b = rasterizeMesh(Float32Array.from(trueProxyPoser.forward({ shape: [], pose: v.truthPose }).vertices), trueProxy.model.triangles, v.camera).triangleId;
    const c = rasterizeMesh(Float32Array.from(fittedPoser.forward({ shape: [], pose: v.avatarPose }).vertices), fitted.model.triangles, avatarViewCamera(subject, poser, fit, v)).triangleId;
    rows.push({ view: v.id, skinnedTruth: softIoU(skinnedAlpha, v.truth.alpha), trueFitProxy: iou(b, v.truth.alpha), fittedProxy: iou(c, v.truth.alpha), avatarRaw: avatar?.[k]!.raw.iou ?? null, avatarRefined: avatar?.[k]!.refined.iou ?? null });
    tiles.push(v.truth.image, agreement(b, v.truth.alpha), agreement(c, v.truth.alpha));
  });
  const mean = (f: (r: Row) => number | null): number => rows.reduce((t, r) => t + (f(r) ?? NaN), 0) / rows.length;
  const m = { skinnedTruth: mean((r) => r.skinnedTruth), trueFitProxy: mean((r) => r.trueFitProxy), fittedProxy: mean((r) => r.fittedProxy), avatarRaw: mean((r) => r.avatarRaw), avatarRefined: mean((r) => r.avatarRefined) };
  results.push({ id, name, views: rows, mean: m });
  await writePng(join(sheets, `${name}.png`), contactSheet(tiles, { columns: 6, labels: views.flatMap((v) => [v.id, 'true-fit proxy', 'fitted proxy']) }));
  console.log(`${id} ${name}: A skinned truth ${m.skinnedTruth.toFixed(3)}  B true-fit proxy ${m.trueFitProxy.toFixed(3)}  C fitted proxy ${m.fittedProxy.toFixed(3)}${withAvatar ? `  D avatar ${m.avatarRaw.toFixed(3)} raw, ${m.avatarRefined.toFixed(3)} refined` : ''}`);
}
const out = join(root, `bench/results/novel-loss-${st.mode}.json`);
await writeJsonAtomic(out, { format: 'persona-bench-novel-loss', date: new Date().toISOString(), report: reportPath, loadavg: loadavg(), subjects: results });
console.log(`wrote ${out}; sheets in ${sheets}`);
