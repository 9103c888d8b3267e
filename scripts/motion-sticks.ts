/**
 * Renders the stick-figure contact sheet of every builtin motion on the body skeleton:
 * `node dist/scripts/motion-sticks.js [out.png]` (default docs/images/motions-sticks.png).
 */
import { writePng } from '../src/core/image.js';
import { getBuiltinMotion, listBuiltinMotions } from '../src/motion/builtin.js';
import { motionContactSheet } from '../src/motion/sticks.js';
import { bodyRig } from '../test/motion/rig.js';

const out = process.argv[2] ?? 'docs/images/motions-sticks.png';
const rs = await bodyRig();
const motions = listBuiltinMotions().map((m) => getBuiltinMotion(m.name, rs.skeleton, rs.rest));
await writePng(out, motionContactSheet(motions, rs, 7, 120));
console.log(`wrote ${out} (${motions.length} motions)`);
