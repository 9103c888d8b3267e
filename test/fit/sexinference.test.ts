/**
 * The sex the fit infers (issue #19) on recorded evidence of the synthetic subjects and the real-photo set, and
 * end to end on synthetic subjects (real perception). Evidence recorded with
 * `node dist/scripts/sex-evidence.js both` (docs/fit.md "What the sex decision sees"): the face-description
 * model's reading and the data energies of the shape fitted as a man and as a woman (iterationScale 0.5). The
 * synthetic rows were recorded before the women got female-typical brows (src/bench/subjects.ts FEMALE_BROWS): they
 * keep the evidence of why the body vote stays off.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { combineSexEvidence, decideSex } from '../../src/fit/phenotypePrior.js';
import { FIT_CONFIG } from '../../src/fit/config.js';
import { fitImage } from '../../src/fit/fitImage.js';
import { loadBodyModel } from '../../src/body/model.js';
import { makeSubject, SUBJECT_SPECS } from '../../src/bench/subjects.js';
import { Perceiver } from '../../src/perceive/index.js';
import type { Perception } from '../../src/perceive/types.js';

const RECORDED: Array<[name: string, truth: 'male' | 'female', face: ['male' | 'female' | 'unknown', number], energyMale: number, energyFemale: number]> = [
  ['ava', 'female', ['male', 0.65], 0.0650, 0.0516],
  ['ben', 'male', ['male', 0.78], 0.0501, 0.0480],
  ['chloe', 'female', ['male', 0.26], 0.3838, 0.2753],
  ['dev', 'male', ['male', 0.78], 0.2230, 0.2402],
  ['emi', 'female', ['male', 0.25], 0.1090, 0.0874],
  ['finn', 'male', ['male', 0.85], 0.0489, 0.0670],
  ['man-coat-beard.png', 'male', ['male', 0.97], 0.0540, 0.0484],
  ['man-hoodie-sitting.png', 'male', ['male', 0.56], 0.1333, 0.1299],
  ['man-jump-red.jpg', 'male', ['male', 0.50], 0.2218, 0.2016],
  ['man-jump-yellow.jpg', 'male', ['male', 0.57], 0.2438, 0.1864],
  ['man-skirt-leather.jpg', 'male', ['male', 0.95], 0.0652, 0.0575],
  ['man-suit-dance.jpg', 'male', ['male', 0.88], 0.2338, 0.2696],
  ['man-suit-street.jpg', 'male', ['male', 0.95], 0.0786, 0.0741],
  ['man-tancoat-dance.jpg', 'male', ['unknown', 0], 0.2258, 0.2140],
  ['man-tee-cluttered.png', 'male', ['male', 0.95], 0.0525, 0.1600],
  ['man-trench-kick.jpg', 'male', ['male', 0.65], 0.1394, 0.1750],
  ['woman-athlete-jump.png', 'female', ['female', 0.21], 0.5203, 0.6839],
  ['woman-beige-trousers.jpg', 'female', ['female', 0.29], 0.1056, 0.1018],
  ['woman-coat-walk.jpg', 'female', ['female', 0.82], 0.1630, 0.1172],
  ['woman-dress-stairs.jpg', 'female', ['female', 0.85], 0.1110, 0.0781],
  ['woman-green-coat.jpg', 'female', ['female', 0.55], 0.0697, 0.0609],
  ['woman-maxi-skirt.jpg', 'female', ['female', 0.92], 0.2925, 0.2258],
  ['woman-plaid-skirt.jpg', 'female', ['female', 0.20], 0.0677, 0.0663],
  ['woman-print-dress.jpg', 'female', ['female', 0.94], 0.1696, 0.0894],
  ['woman-red-dress-jump.jpg', 'female', ['female', 0.96], 0.1003, 0.0870],
  ['woman-stripes.jpg', 'female', ['female', 0.90], 0.0872, 0.0579],
];

/** One perceiver for the end-to-end tests (closing one and creating another in a process breaks the wasm backend). */
let perceiverOnce: Promise<Perceiver> | undefined;
const perceiver = (): Promise<Perceiver> => (perceiverOnce ??= Perceiver.create({ face: true, hands: false, matte: true, people: true }));
after(async () => { if (perceiverOnce) await (await perceiverOnce).close(); });

/** The decision fitImage makes with FIT_CONFIG as it stands (the body vote only when bodyEvidence is on). */
function decide(face: ['male' | 'female' | 'unknown', number], energyMale: number, energyFemale: number): string {
  const p = { face: { attributes: face[0] === 'unknown' ? null : { sex: face[0], sexConfidence: face[1], age: 30 } } } as unknown as Perception;
  const d = decideSex(p);
  return (FIT_CONFIG.sexPrior.bodyEvidence ? combineSexEvidence(d, energyMale, energyFemale) : d).sex.used;
}

test('recorded evidence: no real photo is decided against its sex (the held-out set of issue #19), and the synthetic men read male', () => {
  const real = RECORDED.filter(([n]) => /^(man|woman)-/.test(n));
  assert.equal(real.length, 20);
  const wrong = real.filter(([, truth, face, em, ef]) => !['neutral', truth].includes(decide(face, em, ef))).map(([n]) => n);
  assert.deepEqual(wrong, []);
  const right = real.filter(([, truth, face, em, ef]) => decide(face, em, ef) === truth).length;
  assert.ok(right >= 19, `${right}/20 right`);
  for (const [n, truth, face, em, ef] of RECORDED.filter(([n]) => !/^(man|woman)-/.test(n))) {
    if (truth === 'male') assert.equal(decide(face, em, ef), 'male', n);
  }
});

test('recorded evidence (the old synthetic faces, one heavy brow for all six): no monotone vote of face score and body energies puts ava female without a real man going female too', () => {
  // A real man whose face reads less male and whose body-fit evidence reads more female than ava's: any vote that
  // grows with the face's male score and with the female fit's energy ranks him at least as female as ava.
  const rel = (em: number, ef: number) => (ef - em) / Math.min(em, ef);
  const ava = RECORDED.find(([n]) => n === 'ava')!;
  const dominating = RECORDED.filter(([n, truth, face, em, ef]) => truth === 'male' && /^man-/.test(n) && face[0] === 'male'
    && face[1] <= ava[2][1] && rel(em, ef) <= rel(ava[3], ava[4])).map(([n]) => n);
  assert.deepEqual(dominating, ['man-jump-yellow.jpg']);
});

test('end to end on synthetic photos: --sex overrides the face, auto reads a man male', { timeout: 300_000 }, async () => {
  const body = loadBodyModel();
  const photo = async (id: number) => (await perceiver()).perceive(makeSubject(id, { model: body, textureSize: 256 }).photo({ supersample: 1 }).render.image, {});
  const ava = await photo(0);
  const given = fitImage(ava, body, { iterationScale: 0.3, sex: 'male' }).phenotypePrior!;
  assert.equal(given.sex.used, 'male', "the user's choice wins over the face (which reads her female)");
  assert.equal(given.sex.source, 'user');
  assert.equal(given.gender, 1);
  const finn = await photo(5);
  assert.equal(fitImage(finn, body, { iterationScale: 0.3 }).phenotypePrior!.sex.used, 'male');
});

test('end to end: the inferred sex is right on all six synthetic subjects (issue #19; the women carry female-typical brows, src/bench/subjects.ts)', { timeout: 300_000 }, async () => {
  const body = loadBodyModel();
  const decided: string[] = [], truths: string[] = [];
  for (const spec of SUBJECT_SPECS) {
    // 1024-px textures: the women read female at 0.44–0.59 there, well clear of minConfidence 0.2 (at 256 px chloe reads 0.24)
    const p = await (await perceiver()).perceive(makeSubject(spec.id, { model: body, textureSize: 1024 }).photo({ supersample: 1 }).render.image, {});
    const d = decideSex(p);
    decided.push(`${spec.name} ${d.sex.used} (${d.sex.inferred} ${d.sex.confidence.toFixed(2)})`);
    truths.push(`${spec.name} ${spec.phenotype.gender! < 0.5 ? 'female' : 'male'}`);
  }
  assert.deepEqual(decided.map((d) => d.split(' (')[0]), truths, decided.join(', '));
});
