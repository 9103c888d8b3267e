/**
 * The evidence behind the fit's sex decision (issue #19), per photo: the face-description model's score, the
 * body evidence (data energies of the shape fitted as a man and as a woman) and the decision of
 * combineSexEvidence, on the synthetic subjects (truth from their spec; rest-shape error of the decided fit) and
 * on the real-photo set (truth from the file name, man-* / woman-*; scripts/fetch-real-photos.ts).
 *
 * Run: node dist/scripts/sex-evidence.js [synthetic|real|both=both] [dir=/tmp/persona-real] [out.json]
 * One fit per photo with the body evidence on, at half the iterations (as `bench:sexprior --quick`).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { readImage } from '../src/core/image.js';
import { resizeImage } from '../src/render/index.js';
import { loadBodyModel } from '../src/body/model.js';
import { SUBJECT_SPECS, makeSubject } from '../src/bench/subjects.js';
import { Perceiver } from '../src/perceive/index.js';
import type { Perception } from '../src/perceive/types.js';
import { fitImage } from '../src/fit/fitImage.js';
import { restDistanceMm } from '../src/bench/metrics.js';

const which = process.argv[2] ?? 'both';
const dir = process.argv[3] ?? '/tmp/persona-real';
const out = process.argv[4] ?? '/tmp/sex-evidence.json';
const only = process.argv[5] ? new RegExp(process.argv[5]) : null;
const body = loadBodyModel();
const perceiver = await Perceiver.create({ face: true, hands: false, matte: true, people: true });
const rows: Array<Record<string, unknown>> = [];

/** Shoulder width over hip width: BlazePose world landmarks (3D) and image keypoints (2D). */
function widthRatios(p: Perception): { world: number; image: number } | null {
  if (!p.body) return null;
  const d = (a: number[], b: number[], n: number) => Math.hypot(...Array.from({ length: n }, (_, i) => a[i]! - b[i]!));
  const w = p.body.world, k = p.body.keypoints;
  return { world: Number((d(w[11]!, w[12]!, 3) / d(w[23]!, w[24]!, 3)).toFixed(3)), image: Number((d(k[11]!, k[12]!, 2) / d(k[23]!, k[24]!, 2)).toFixed(3)) };
}

function evidence(name: string, truth: string, p: Perception, trueShape?: Float64Array | Float32Array): Record<string, unknown> {
  const t0 = Date.now();
  const f = fitImage(p, body, { iterationScale: 0.5, bodyEvidence: true });
  const sec = (Date.now() - t0) / 1000;
  const a = p.face?.attributes ?? null;
  const rec = f.phenotypePrior;
  const row: Record<string, unknown> = {
    name, truth, face: a ? { sex: a.sex, confidence: a.sexConfidence, age: a.age } : null,
    ratios: widthRatios(p), body: rec?.sex.body ?? null, used: rec?.sex.used ?? 'neutral', gender: rec?.gender ?? 0.5, seconds: sec,
  };
  // the gender the data chooses: the shape fitted with the neutral prior (face attributes removed), projected on
  // the body model's gender axis (0 female … 1 male)
  const neutral = fitImage({ ...p, face: p.face ? { ...p.face, attributes: null } : null }, body, { iterationScale: 0.5 });
  const sf = body.semanticShape({ gender: 0 }), sm = body.semanticShape({ gender: 1 });
  let dot = 0, nn = 0;
  for (let k = 0; k < sf.length; k++) { const d = sm[k]! - sf[k]!; dot += d * neutral.shape[k]!; nn += d * d; }
  row.neutralGender = Number((0.5 + dot / nn).toFixed(3));
  if (trueShape) row.restNeutralMm = restDistanceMm(body.shapedVertices(trueShape), body.shapedVertices(Float64Array.from(neutral.shape)));
  if (trueShape) row.restMm = restDistanceMm(body.shapedVertices(trueShape), body.shapedVertices(f.shape));
  const b = rec?.sex.body;
  console.log(`${name.padEnd(26)} truth ${truth.padEnd(6)} face ${a ? `${a.sex} ${a.sexConfidence.toFixed(2)}` : 'none'} rel ${b ? b.relativeEnergy.toFixed(4) : '-'} bodyVote ${b ? b.bodyVote.toFixed(2) : '-'} → ${row.used}${row.restMm !== undefined ? ` rest ${(row.restMm as number).toFixed(1)} mm` : ''} E ${b?.energies ? (['male', 'female'] as const).map((k) => `${k[0]} kp ${b.energies![k].keypoints.toFixed(4)} out ${b.energies![k].silhouetteOut.toFixed(4)} in ${b.energies![k].silhouetteIn.toFixed(4)}`).join(' | ') : '-'} (${sec.toFixed(0)} s) neutral-fit gender ${row.neutralGender}`);
  return row;
}

if (which !== 'real') {
  for (const spec of SUBJECT_SPECS) {
    const s = makeSubject(spec.id, { model: body, textureSize: 1024 });
    const { render } = s.photo({ supersample: 2 });
    const p = await perceiver.perceive(render.image, {});
    rows.push({ set: 'synthetic', ...evidence(spec.name, (spec.phenotype.gender ?? 0.5) >= 0.5 ? 'male' : 'female', p, s.shape) });
  }
}
if (which !== 'synthetic') {
  for (const name of (await readdir(dir)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
    const truth = name.startsWith('man-') ? 'male' : name.startsWith('woman-') ? 'female' : 'unknown';
    if (truth === 'unknown') { console.log(`${name}: group photo, skipped`); continue; }
    let img = await readImage(join(dir, name), 3);
    const sc = Math.min(1, 1024 / Math.max(img.width, img.height));
    if (sc < 1) img = resizeImage(img, Math.round(img.width * sc), Math.round(img.height * sc));
    try {
      const p = await perceiver.perceive(img, {});
      rows.push({ set: 'real', ...evidence(name, truth, p) });
    } catch (err) {
      console.log(`${name}: ${(err as Error).message}`);
    }
  }
}
await perceiver.close();
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await writeJsonAtomic(out, { date: new Date().toISOString(), loadAverage: loadavg(), rows });
process.exit(0);
