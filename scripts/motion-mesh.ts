/**
 * Renders the default body posed by every builtin motion (front view, a few frames each):
 * `node dist/scripts/motion-mesh.js [out.png]` (default docs/images/motions-mesh.png).
 */
import { writePng } from '../src/core/image.js';
import { loadBodyModel } from '../src/body/model.js';
import { BodyPoser } from '../src/body/skinning.js';
import { frameOf, renderBodyViews } from '../src/body/preview.js';
import { contactSheet } from '../src/render/sheet.js';
import { getBuiltinMotion, listBuiltinMotions } from '../src/motion/builtin.js';
import { restSkeletonOf } from '../src/motion/body.js';
import { createPoseSampler, motionDuration } from '../src/motion/sample.js';

const out = process.argv[2] ?? 'docs/images/motions-mesh.png';
const COLUMNS = 6;
const model = loadBodyModel();
const rs = restSkeletonOf(model);
const poser = new BodyPoser(model);
const rest = poser.forward({ pose: { rotations: new Float64Array(rs.skeleton.names.length * 3), translation: [0, 0, 0] } }).vertices;
const frame = frameOf([rest]);
frame.extent *= 1.25;
frame.aspect = 0.8;
const images = [], labels: string[] = [];
for (const { name } of listBuiltinMotions()) {
  const m = getBuiltinMotion(name, rs.skeleton, rs.rest);
  const sample = createPoseSampler(m, rs.skeleton);
  for (let c = 0; c < COLUMNS; c++) {
    // Interior frames (the first and last are the neutral pose).
    const t = (motionDuration(m) * (c + 0.5)) / COLUMNS;
    const posed = poser.forward({ pose: sample(t) });
    const p = sample(t).translation;
    images.push(renderBodyViews(posed.vertices, model.triangles, {
      size: 200, views: ['front'], partLabels: model.partLabels, supersample: 1,
      frame: { ...frame, centre: [frame.centre[0] + p[0], frame.centre[1], frame.centre[2] + p[2]] },
    })[0]!);
    labels.push(`${name} ${t.toFixed(1)}s`);
  }
}
await writePng(out, contactSheet(images, { columns: COLUMNS, labels, labelScale: 1, padding: 4 }));
console.log(`wrote ${out}`);
