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
const body = loadBodyModel();
const perceiver = await Perceiver.create({ face: true, hands: false, matte: true, people: true });
const rows: Array<Record<string, unknown>> = [];

function evidence(name: string, truth: string, p: Perception, trueShape?: Float64Array | Float32Array): Record<string, unknown> {
  const t0 = Date.now();
  const f = fitImage(p, body, { iterationScale: 0.5, bodyEvidence: true });
  const sec = (Date.now() - t0) / 1000;
  const a = p.face?.attributes ?? null;
  const rec = f.phenotypePrior;
  const row: Record<string, unknown> = {
    name, truth, face: a ? { sex: a.sex, confidence: a.sexConfidence, age: a.age } : null,
    body: rec?.sex.body ?? null, used: rec?.sex.used ?? 'neutral', gender: rec?.gender ?? 0.5, seconds: sec,
  };
  if (trueShape) row.restMm = restDistanceMm(body.shapedVertices(trueShape), body.shapedVertices(f.shape));
  const b = rec?.sex.body;
  console.log(`${name.padEnd(26)} truth ${truth.padEnd(6)} face ${a ? `${a.sex} ${a.sexConfidence.toFixed(2)}` : 'none'} rel ${b ? b.relativeEnergy.toFixed(4) : '-'} bodyVote ${b ? b.bodyVote.toFixed(2) : '-'} → ${row.used}${row.restMm !== undefined ? ` rest ${(row.restMm as number).toFixed(1)} mm` : ''} (${sec.toFixed(0)} s)`);
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
