/**
 * bench:sexprior — the sex prior of the body shape on the synthetic subjects (issue #19): each subject's photo
 * goes through real perception, and the body is fitted four ways:
 * - neutral: the face attributes removed (the neutral prior of before the sex prior);
 * - face: the sex the face-description model infers (`--sex auto`, the default);
 * - face+body: auto with the body-evidence vote (fit as a man and as a woman, FIT_CONFIG.sexPrior.bodyEvidence);
 * - given: the true sex given as with `--sex male|female` (the prior itself, with the inference taken out).
 * It reports the sex each way used and the fitted shape against the truth: mean distance of the rest-pose
 * vertices (shape only, both centred on their mean vertex, millimetres), raw and scale-normalised (the fitted
 * body scaled about its centre by the least-squares factor onto the truth: absolute scale is not observable from
 * one photo, docs/fit.md "How absolute scale is fixed", and dominates the raw figure).
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
import { fitImage, type FitOptions } from '../src/fit/fitImage.js';
import type { Perception } from '../src/perceive/types.js';
import { restDistanceMm } from '../src/bench/metrics.js';

const VARIANTS = ['neutral', 'face', 'faceBody', 'given'] as const;
type Variant = (typeof VARIANTS)[number];
interface Fitted { used: string; votes: unknown; rawMm: number; normMm: number; keypointPx: number; silhouetteIoU: number }
interface Row { subject: string; truth: 'male' | 'female'; phenotypeGender: number; face: { sex: string; confidence: number; age: number | null }; fits: Record<Variant, Fitted> }

async function main(): Promise<void> {
  const body = loadBodyModel();
  const quick = process.argv.includes('--quick');
  const rows: Row[] = [];
  for (const spec of SUBJECT_SPECS) {
    const s = makeSubject(spec.id, { model: body, textureSize: 1024 });
    const { render } = s.photo({ supersample: 2 });
    const p = await perceive(render.image);
    const gender = spec.phenotype.gender ?? 0.5;
    const truth = gender >= 0.5 ? 'male' : 'female';
    const noFace: Perception = { ...p, face: p.face ? { ...p.face, attributes: null } : null };
    const base: FitOptions = { iterationScale: quick ? 0.5 : 1 };
    const runs: Record<Variant, [Perception, FitOptions]> = {
      neutral: [noFace, base], face: [p, base], faceBody: [p, { ...base, bodyEvidence: true }], given: [p, { ...base, sex: truth }],
    };
    const trueRest = body.shapedVertices(s.shape);
    const fits = {} as Record<Variant, Fitted>;
    for (const v of VARIANTS) {
      const [pp, o] = runs[v];
      const f = fitImage(pp, body, o);
      const rest = body.shapedVertices(f.shape);
      fits[v] = {
        used: f.phenotypePrior?.sex.used ?? 'neutral', votes: f.phenotypePrior?.sex.body ?? null,
        rawMm: restDistanceMm(trueRest, rest), normMm: restDistanceMm(trueRest, rest, true),
        keypointPx: f.residuals.keypointPx, silhouetteIoU: f.residuals.silhouetteIoU,
      };
    }
    const a = p.face?.attributes ?? null;
    const row: Row = { subject: spec.name, truth, phenotypeGender: gender, face: { sex: a?.sex ?? 'unknown', confidence: a?.sexConfidence ?? 0, age: a?.age ?? null }, fits };
    rows.push(row);
    console.log(`${spec.name}: truth ${truth}, face ${row.face.sex} ${row.face.confidence.toFixed(2)}; ` + VARIANTS.map((v) => `${v} ${fits[v].used} ${fits[v].rawMm.toFixed(1)}/${fits[v].normMm.toFixed(1)} mm kp ${fits[v].keypointPx.toFixed(1)}`).join('; '));
  }
  const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const summary = Object.fromEntries(VARIANTS.map((v) => [v, {
    correct: rows.filter((r) => r.fits[v].used === r.truth).length,
    rawMm: mean((r) => r.fits[v].rawMm), normMm: mean((r) => r.fits[v].normMm),
    keypointPx: mean((r) => r.fits[v].keypointPx), silhouetteIoU: mean((r) => r.fits[v].silhouetteIoU),
  }]));
  for (const v of VARIANTS) {
    const m = summary[v]!;
    console.log(`${v.padEnd(8)} sex right ${m.correct}/${rows.length}; rest-shape error ${m.rawMm.toFixed(1)} mm raw, ${m.normMm.toFixed(1)} mm scale-normalised; kp ${m.keypointPx.toFixed(2)} px; IoU ${m.silhouetteIoU.toFixed(3)}`);
  }
  console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await writeJsonAtomic(join(packageRoot(), 'bench', 'results', 'sexprior.json'), { date: new Date().toISOString(), quick, loadAverage: loadavg(), summary, rows });
  process.exit(0);
}

await main();
