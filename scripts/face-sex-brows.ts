/**
 * Probe (issue #19): does the face-description model's reading of the synthetic subjects follow their painted
 * brows? Each subject's photo is perceived with its brows as specified and with thinner, higher brows
 * (appearance browScale 0.5, browLift 3 mm). `node dist/scripts/face-sex-brows.js [scale:liftMm …]` tries the given
 * variants instead (e.g. `1:0 0.5:3 0.6:4`). Changes nothing on disk.
 */
import { makeSubject, SUBJECT_SPECS } from '../src/bench/subjects.js';
import { Perceiver } from '../src/perceive/index.js';

const perceiver = await Perceiver.create({ face: true, hands: false, matte: false, people: false });
let size = 1000; // a new texture size per variant: makeSubject caches subjects by id and size
for (const spec of SUBJECT_SPECS) {
  const given = process.argv.slice(2).map((a) => a.split(':').map(Number) as [number, number]);
  const variants: Array<readonly [number, number]> = given.length > 0 ? given.map(([s, mm]) => [s, mm / 1000] as const) : [[1, 0], [0.5, 0.003]];
  for (const [browScale, browLift] of variants) {
    Object.assign(spec.appearance, { browScale, browLift });
    const p = await perceiver.perceive(makeSubject(spec.id, { textureSize: size++ }).photo({ supersample: 2 }).render.image, {});
    const a = p.face?.attributes;
    console.log(`${spec.name.padEnd(6)} gender ${spec.phenotype.gender} brows ×${browScale} +${(browLift * 1000).toFixed(1)} mm: ${a ? `${a.sex} ${a.sexConfidence.toFixed(2)}` : 'no face'}`);
  }
}
await perceiver.close();
process.exit(0);
