/**
 * bench:sexprior — the sex prior of the body shape on the synthetic subjects (issue #19): each subject's photo
 * goes through real perception; the bench reports the sex the face-description model infers (against the
 * subject's phenotype gender) and fits the body twice, without the prior (the face attributes removed: the
 * neutral prior of before) and with it, reporting the fitted shape against the truth: mean distance of the
 * rest-pose vertices (shape only, both centred on their mean vertex, millimetres) and of the chest depth.
 *
 * Run: npm run bench:sexprior [-- --quick]
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { packageRoot } from '../src/core/version.js';
import { loadBodyModel } from '../src/body/model.js';
import { SUBJECT_SPECS, makeSubject } from '../src/bench/subjects.js';
import { perceive } from '../src/perceive/stage.js';
import { fitImage } from '../src/fit/fitImage.js';
import type { Perception } from '../src/perceive/types.js';

/** Mean distance (mm) between two rest shapes' vertices, each centred on its mean vertex. */
function restDistanceMm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const V = a.length / 3;
  const ca = [0, 0, 0], cb = [0, 0, 0];
  for (let v = 0; v < V; v++) for (let c = 0; c < 3; c++) { ca[c]! += a[v * 3 + c]! / V; cb[c]! += b[v * 3 + c]! / V; }
  let s = 0;
  for (let v = 0; v < V; v++) s += Math.hypot(a[v * 3]! - ca[0]! - b[v * 3]! + cb[0]!, a[v * 3 + 1]! - ca[1]! - b[v * 3 + 1]! + cb[1]!, a[v * 3 + 2]! - ca[2]! - b[v * 3 + 2]! + cb[2]!);
  return (1000 * s) / V;
}

async function main(): Promise<void> {
  const body = loadBodyModel();
  const quick = process.argv.includes('--quick');
  interface Row { subject: string; truth: string; phenotypeGender: number; inferred: string; used: string; votes: unknown; confidence: number; apparentAge: number | null; correct: boolean; shapeErrorMm: { before: number; after: number }; keypointPx: { before: number; after: number }; silhouetteIoU: { before: number; after: number } }
  const rows: Row[] = [];
  for (const spec of SUBJECT_SPECS) {
    const s = makeSubject(spec.id, { model: body, textureSize: 1024 });
    const { render } = s.photo({ supersample: 2 });
    const p = await perceive(render.image);
    const gender = spec.phenotype.gender ?? 0.5;
    const truth = gender >= 0.5 ? 'male' : 'female';
    const noFace: Perception = { ...p, face: p.face ? { ...p.face, attributes: null } : null };
    const opts = { iterationScale: quick ? 0.5 : 1 };
    const before = fitImage(noFace, body, opts);
    const after = fitImage(p, body, opts);
    const trueRest = body.shapedVertices(s.shape);
    const row: Row = {
      subject: spec.name,
      truth,
      phenotypeGender: gender,
      inferred: after.phenotypePrior?.sex.inferred ?? 'unknown',
      used: after.phenotypePrior?.sex.used ?? 'neutral',
      votes: after.phenotypePrior?.sex.body ?? null,
      confidence: after.phenotypePrior?.sex.confidence ?? 0,
      apparentAge: after.phenotypePrior?.sex.age ?? null,
      correct: (after.phenotypePrior?.sex.used ?? 'neutral') === truth,
      shapeErrorMm: { before: restDistanceMm(body.shapedVertices(before.shape), trueRest), after: restDistanceMm(body.shapedVertices(after.shape), trueRest) },
      keypointPx: { before: before.residuals.keypointPx, after: after.residuals.keypointPx },
      silhouetteIoU: { before: before.residuals.silhouetteIoU, after: after.residuals.silhouetteIoU },
    };
    rows.push(row);
    console.log(`${spec.name}: truth ${truth}, face ${row.inferred} ${row.confidence.toFixed(2)} (age ${row.apparentAge}), used ${row.used} ${JSON.stringify(row.votes)}; shape error ${row.shapeErrorMm.before.toFixed(1)} → ${row.shapeErrorMm.after.toFixed(1)} mm; kp ${row.keypointPx.before.toFixed(1)} → ${row.keypointPx.after.toFixed(1)} px`);
  }
  const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const summary = {
    correct: rows.filter((r) => r.correct).length,
    subjects: rows.length,
    meanShapeErrorMm: { before: mean((r) => r.shapeErrorMm.before), after: mean((r) => r.shapeErrorMm.after) },
  };
  console.log(`sex right on ${summary.correct}/${summary.subjects}; mean rest-shape error ${summary.meanShapeErrorMm.before.toFixed(1)} → ${summary.meanShapeErrorMm.after.toFixed(1)} mm (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  await writeJsonAtomic(join(packageRoot(), 'bench', 'results', 'sexprior.json'), { date: new Date().toISOString(), quick, loadAverage: loadavg(), summary, rows });
  process.exit(0);
}

await main();
