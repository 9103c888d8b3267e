/**
 * texture/proxy-colors on disk: a look round-trips with and without the colours' sample coordinates (folders written
 * before them carry colours alone); coordinates of the wrong length are refused when written, colours of another proxy
 * when read, with the command that fixes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeProxyColors, readProxyColors } from '../../src/shape/index.js';
import { PersonaError } from '../../src/core/errors.js';
import { tempDir } from '../helpers.js';

test('proxy-colors round-trips colours and the photo and texture coordinates; old folders read as colours alone', async () => {
  const t = await tempDir();
  try {
    const V = 4;
    const colors = Float32Array.from({ length: V * 3 }, (_, i) => i / (V * 3));
    const photoUv = Float32Array.from([0.1, 0.2, NaN, NaN, 0.3, 0.4, NaN, NaN]);
    const textureUv = Float32Array.from([NaN, NaN, 0.5, 0.6, NaN, NaN, 0.7, 0.8]);
    await writeProxyColors(t.dir, { colors, photoUv, textureUv });
    const back = readProxyColors(t.dir, V);
    assert.deepEqual(back.colors, colors);
    assert.deepEqual([...back.photoUv!].map(String), [...photoUv].map(String), 'NaN where the colour is not the photo\'s survives');
    assert.deepEqual([...back.textureUv!].map(String), [...textureUv].map(String));
    await writeProxyColors(t.dir, { colors });
    const old = readProxyColors(t.dir, V);
    assert.deepEqual(old.colors, colors);
    assert.equal(old.photoUv, undefined);
    assert.equal(old.textureUv, undefined);
    // coordinates for another vertex count are refused when written; colours for another proxy when read
    await assert.rejects(writeProxyColors(t.dir, { colors, photoUv: photoUv.subarray(0, 6) }), /photoUv/);
    assert.deepEqual(readProxyColors(t.dir, V).colors, colors, 'the refused write left the folder as it was');
    assert.throws(() => readProxyColors(t.dir, V + 1), (e: unknown) => e instanceof PersonaError && /does not match the clothed proxy/.test(e.message) && /persona texture/.test(e.hint ?? ''));
  } finally {
    await t.cleanup();
  }
});
