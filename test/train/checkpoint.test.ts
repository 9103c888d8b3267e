import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Adam } from '../../src/nn/adam.js';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, restoreParams, saveCheckpoint, tensorsOf } from '../../src/train/checkpoint.js';
import { PersonaError } from '../../src/core/errors.js';
import type { Param } from '../../src/nn/types.js';
import { tempDir } from '../helpers.js';

function makeParams(): Param[] {
  return [
    { name: 'offset', value: Float32Array.from([1, 2, 3, 4.5]), grad: Float32Array.from([0.1, -0.2, 0.3, 0]) },
    { name: 'mlp.l0.weight', value: Float32Array.from([-1, 0.25, 7]), grad: Float32Array.from([1, 1, 1]) },
  ];
}

test('checkpoint round-trips tensors, Adam state, step and meta through a file', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const params = makeParams();
    const adam = new Adam([{ name: 'geo', params, lr: 1e-3 }], { beta1: 0.9, beta2: 0.999, eps: 1e-15 });
    adam.step();
    const path = join(dir, 'train', 'checkpoint-000001.bin');
    await saveCheckpoint(path, { step: 1, tensors: tensorsOf(params), adam: adam.state(), meta: { preset: 'test' } });
    const ck = await loadCheckpoint(path);
    assert.equal(ck.step, 1);
    assert.deepEqual(ck.meta, { preset: 'test' });
    assert.deepEqual([...ck.tensors.offset!], [...params[0]!.value]);
    const fresh = makeParams();
    restoreParams(fresh, ck.tensors);
    assert.deepEqual([...fresh[1]!.value], [...params[1]!.value]);
    const adam2 = new Adam([{ name: 'geo', params: fresh, lr: 1e-3 }], { beta1: 0.9, beta2: 0.999, eps: 1e-15 });
    adam2.loadState(ck.adam!);
    adam.step();
    adam2.step();
    assert.deepEqual([...fresh[0]!.value], [...params[0]!.value]);
    assert.throws(() => restoreParams([{ name: 'offset', value: new Float32Array(3), grad: new Float32Array(3) }], ck.tensors), /has 4 values/);
    assert.throws(() => restoreParams([{ name: 'nope', value: new Float32Array(3), grad: new Float32Array(3) }], ck.tensors), /no tensor "nope"/);
  } finally {
    await cleanup();
  }
});

test('corrupt, truncated and foreign files are rejected with clear errors', async () => {
  const bytes = encodeCheckpoint({ step: 3, tensors: { a: Float32Array.from([1, 2, 3]) } });
  assert.equal(decodeCheckpoint(bytes).step, 3);
  const flipped = bytes.slice();
  flipped[flipped.length - 2] ^= 0xff;
  assert.throws(() => decodeCheckpoint(flipped, 'x.bin'), /checksum/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4)), /truncated/);
  assert.throws(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint')), /magic/);
  const v2 = bytes.slice();
  new DataView(v2.buffer).setUint32(8, 2, true);
  assert.throws(() => decodeCheckpoint(v2), /format version 2/);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, 10)), PersonaError);
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, 'bad.bin'), bytes.subarray(0, 20));
    await assert.rejects(loadCheckpoint(join(dir, 'bad.bin')), /bad\.bin is not a valid Persona checkpoint/);
    await assert.rejects(loadCheckpoint(join(dir, 'missing.bin')), /cannot read checkpoint/);
    // float64 tensors are stored as float32
    await saveCheckpoint(join(dir, 'f64.bin'), { step: 0, tensors: { d: Float64Array.from([0.1]) } });
    assert.equal((await loadCheckpoint(join(dir, 'f64.bin'))).tensors.d![0], Math.fround(0.1));
    assert.ok((await readFile(join(dir, 'f64.bin'))).subarray(0, 8).toString() === 'PRSNCKPT');
  } finally {
    await cleanup();
  }
});
