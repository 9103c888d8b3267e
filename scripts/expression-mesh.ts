/**
 * Renders the default body's face with each named expression (src/body/expressions.ts), front and
 * three-quarter: the renders the named expressions were chosen by.
 * `node dist/scripts/expression-mesh.js [out.png] [name=unit:w,unit:w,jaw:r ...]` (default docs/images/expressions-body.png).
 */
import { writePng } from '../src/core/image.js';
import { loadBodyModel } from '../src/body/model.js';
import { BodyPoser } from '../src/body/skinning.js';
import { renderBodyViews } from '../src/body/preview.js';
import { contactSheet } from '../src/render/sheet.js';
import { NAMED_EXPRESSIONS, type NamedExpression } from '../src/body/index.js';
import { axisAngleToMatrix } from '../src/core/rotation.js';

const out = process.argv[2] ?? 'docs/images/expressions-body.png';
const model = loadBodyModel();
const poser = new BodyPoser(model);
const J = model.skeleton.names.length, jaw = model.skeleton.names.indexOf('jaw'), head = model.skeleton.names.indexOf('head');
const set: Record<string, NamedExpression> = { ...NAMED_EXPRESSIONS };
for (const a of process.argv.slice(3)) { // trial combinations: name=unit:w,unit:w,jaw:r
  const [name, rest] = a.split('=');
  const e: NamedExpression = { units: {} };
  for (const p of rest!.split(',')) { const [u, w] = p.split(':'); if (u === 'jaw') e.jaw = Number(w); else e.units[u!] = Number(w); }
  set[name!] = e;
}
const images = [], labels: string[] = [];
void axisAngleToMatrix;
for (const [name, e] of Object.entries(set)) {
  const psi = new Float64Array(model.expressionNames.length);
  for (const [u, w] of Object.entries(e.units)) psi[model.expressionNames.indexOf(u)] = w;
  for (const turn of [0, 0.6]) {
    const rot = new Float64Array(J * 3);
    rot[jaw * 3] = e.jaw ?? 0;
    rot[head * 3 + 1] = turn; // three-quarter: the head turns to its left
    const v = poser.forward({ pose: { rotations: rot, translation: [0, 0, 0] }, expression: psi }).vertices;
    images.push(renderBodyViews(v, model.triangles, { views: ['face'], headLabels: model.partLabels, size: 300, supersample: 2 })[0]!);
    labels.push(`${name}${turn ? ' 3/4' : ''}`);
  }
}
await writePng(out, contactSheet(images, { columns: 8, labels, background: [1, 1, 1] }));
console.log(out);
