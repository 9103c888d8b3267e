import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { createImage } from '../../src/core/image.js';
import { PersonaError } from '../../src/core/errors.js';
import { MATERIALS } from '../../src/bench/appearance.js';
import { faceVariant, gaussianBlur, NO_ARTEFACTS, renderSyntheticClip } from '../../src/bench/generated.js';
import { makeSubject } from '../../src/bench/subjects.js';

const model = loadBodyModel();
const small = { frames: 2, width: 64, height: 96, supersample: 1 };

test('gaussianBlur keeps constants, conserves mass and matches a direct 2D convolution', () => {
  const flat = gaussianBlur(createImage(9, 7, 2, [0.3, 0.8]), 1.3);
  for (let i = 0; i < flat.data.length; i++) assert.ok(Math.abs(flat.data[i]! - (i % 2 ? 0.8 : 0.3)) < 1e-6);
  const img = createImage(21, 21, 1);
  img.data[10 * 21 + 10] = 1;
  const b = gaussianBlur(img, 1.5);
  assert.ok(Math.abs(b.data.reduce((s, v) => s + v, 0) - 1) < 1e-5);
  // Reference: normalised 2D Gaussian (separable, same truncation radius 5).
  let norm = 0;
  for (let i = -5; i <= 5; i++) norm += Math.exp(-(i * i) / (2 * 1.5 * 1.5));
  for (const [x, y] of [[10, 10], [12, 9], [14, 13]] as const) {
    const ref = Math.exp(-((x - 10) ** 2 + (y - 10) ** 2) / (2 * 1.5 * 1.5)) / (norm * norm);
    assert.ok(Math.abs(b.data[y * 21 + x]! - ref) < 1e-6, `${x},${y}`);
  }
  assert.deepEqual(Array.from(gaussianBlur(img, 0).data), Array.from(img.data));
});

test('without artefacts the frames equal the ground truth', () => {
  const s = makeSubject(0, { model, textureSize: 256 });
  const { frames } = renderSyntheticClip(s, { motion: 'arms-up', ...small, artefacts: NO_ARTEFACTS });
  assert.equal(frames.length, 2);
  for (const f of frames) {
    assert.deepEqual(Array.from(f.renderedPose.rotations), Array.from(f.pose.rotations));
    assert.deepEqual(Array.from(f.image.data), Array.from(f.truth!.image.data));
  }
});

test('default artefacts change the person, keep the background white, and are seeded', () => {
  const s = makeSubject(2, { model, textureSize: 256 });
  const a = renderSyntheticClip(s, { motion: 'dance', ...small, seed: 3 });
  const b = renderSyntheticClip(s, { motion: 'dance', ...small, seed: 3 });
  const c = renderSyntheticClip(s, { motion: 'dance', ...small, seed: 4 });
  assert.deepEqual(Array.from(a.frames[1]!.image.data), Array.from(b.frames[1]!.image.data));
  assert.notDeepEqual(Array.from(a.frames[1]!.image.data), Array.from(c.frames[1]!.image.data));
  for (const f of a.frames) {
    let diff = 0;
    for (let i = 0; i < f.image.data.length; i++) diff += Math.abs(f.image.data[i]! - f.truth!.image.data[i]!);
    assert.ok(diff > 1, `frame differs from truth by ${diff}`);
    assert.ok(f.image.data.subarray(0, 3).every((v) => v > 0.999), 'corner stays white');
    const drift = Math.max(...Array.from(f.renderedPose.rotations, (v, i) => Math.abs(v - f.pose.rotations[i]!)));
    assert.ok(drift > 0.005 && drift < 0.15, `pose drift ${drift} rad`);
  }
});

test('the face variant changes only face materials of the texture', () => {
  const s = makeSubject(4, { model, textureSize: 256 });
  const v = s.bakeVariant(faceVariant(s.spec.appearance.iris, s.spec.appearance.lips));
  const face = new Set(['eyes', 'lips', 'brows', 'skin', 'hair'].map((m) => MATERIALS.indexOf(m as never)));
  let changed = 0;
  for (let i = 0; i < s.materials.length; i++) {
    const d = Math.abs(v.data[i * 3]! - s.texture.data[i * 3]!) + Math.abs(v.data[i * 3 + 1]! - s.texture.data[i * 3 + 1]!) + Math.abs(v.data[i * 3 + 2]! - s.texture.data[i * 3 + 2]!);
    if (d === 0) continue;
    changed++;
    // Dilated seam texels (255) may blend neighbours; every other changed texel is face material.
    assert.ok(s.materials[i] === 255 || face.has(s.materials[i]!), `texel ${i} of material ${s.materials[i]} changed`);
  }
  assert.ok(changed > 10);
});

test('unknown motions are refused with a PersonaError', () => {
  const s = makeSubject(0, { model, textureSize: 256 });
  assert.throws(() => renderSyntheticClip(s, { motion: 'moonwalk', frames: 1 }), PersonaError);
});
