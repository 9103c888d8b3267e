import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNpy, encodeNpz, parseNpy, readNpz, npyToFloat64 } from '../../src/core/npz.js';
import { PersonaError } from '../../src/core/errors.js';

test('npy round-trips every supported dtype in C and Fortran order', () => {
  const shape = [2, 3, 2];
  const vals = Array.from({ length: 12 }, (_, i) => i - 5);
  const cases: Array<[string, ArrayLike<number>]> = [
    ['f4', Float32Array.from(vals, (v) => v * 0.5)], ['f8', Float64Array.from(vals, (v) => v / 3)],
    ['i4', Int32Array.from(vals)], ['u4', Uint32Array.from(vals, (v) => v + 5)], ['u1', Uint8Array.from(vals, (v) => v + 5)],
    ['i8', Float64Array.from(vals, (v) => v * 1e12)], ['b1', Uint8Array.from(vals, (v) => (v > 0 ? 1 : 0))],
    ['i2', Int16Array.from(vals)], ['u8', Float64Array.from(vals, (v) => v + 5)],
  ];
  for (const [dtype, data] of cases)
    for (const fortran of [false, true]) {
      const a = parseNpy(encodeNpy({ data: data as Float64Array, shape, dtype, fortran }));
      assert.equal(a.dtype, dtype);
      assert.deepEqual(a.shape, shape);
      assert.deepEqual(Array.from(a.data as ArrayLike<number>), Array.from(data), `${dtype} fortran=${fortran}`);
    }
});

test('Fortran-order bytes are transposed to C order', () => {
  // Column-major bytes of [[1,2,3],[4,5,6]] are 1,4,2,5,3,6.
  const c = encodeNpy({ data: Float64Array.from([1, 4, 2, 5, 3, 6]), shape: [6] });
  const header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const bytes = new Uint8Array(10 + padded.length + 48);
  bytes.set(c.subarray(0, 8));
  new DataView(bytes.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
  bytes.set(c.subarray(c.length - 48), 10 + padded.length);
  const a = parseNpy(bytes);
  assert.deepEqual(Array.from(npyToFloat64(a)), [1, 2, 3, 4, 5, 6]);
});

test('npz: stored and deflated, strings, scalars, name filter, errors', () => {
  for (const compress of [false, true]) {
    const z = encodeNpz({
      x: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] },
      g: { data: ['neutral'], shape: [] },
      fps: { data: Float64Array.from([120]), shape: [] },
    }, compress);
    const f = readNpz(z);
    assert.deepEqual(Object.keys(f.arrays).sort(), ['fps', 'g', 'x']);
    assert.deepEqual(f.arrays.g!.data, ['neutral']);
    assert.deepEqual(f.arrays.fps!.shape, []);
    assert.equal((f.arrays.fps!.data as Float64Array)[0], 120);
    const only = readNpz(z, ['x']);
    assert.deepEqual(Object.keys(only.arrays), ['x']);
    assert.throws(() => readNpz(z, ['nope']), PersonaError);
    assert.deepEqual(Object.keys(readNpz(z, ['x'], ['g', 'nope']).arrays).sort(), ['g', 'x']);
  }
  assert.throws(() => readNpz(new Uint8Array([1, 2, 3])), PersonaError);
  assert.throws(() => parseNpy(new Uint8Array(20)), PersonaError);
});
