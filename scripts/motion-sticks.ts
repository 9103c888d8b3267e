/**
 * Renders the stick-figure contact sheet of every builtin motion on the default body skeleton:
 * `node dist/scripts/motion-sticks.js [out.png]` (default docs/images/motions-sticks.png).
 */
import { writePng } from '../src/core/image.js';
import { loadBodyModel } from '../src/body/model.js';
import { getBuiltinMotion, listBuiltinMotions } from '../src/motion/builtin.js';
import { restSkeletonOf } from '../src/motion/body.js';
import { motionContactSheet } from '../src/motion/sticks.js';

const out = process.argv[2] ?? 'docs/images/motions-sticks.png';
const rs = restSkeletonOf(loadBodyModel());
const motions = listBuiltinMotions().map((m) => getBuiltinMotion(m.name, rs.skeleton, rs.rest));
await writePng(out, motionContactSheet(motions, rs, 7, 120));
console.log(`wrote ${out} (${motions.length} motions, 7 frames each; front and side views, left limbs red, right blue)`);
