import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNpz } from '../../src/core/npz.js';
import { loadSmplx, SMPLX_JOINT_NAMES, mirrorByPosition } from '../../src/body/smplx.js';
import { BodyPoser } from '../../src/body/skinning.js';
import { subdivideOnce } from '../../src/body/subdivide.js';
import { Rng } from '../../src/core/rng.js';
import { PersonaError } from '../../src/core/errors.js';

/** A tiny synthetic SMPL-X-like file: 6 vertices, 4 faces, 3 joints, 10+10 blend shapes. */
function synthetic(rng: Rng, fortran: boolean): { bytes: Uint8Array; v: Float64Array; f: number[]; sd: Float64Array; jr: Float64Array; w: Float64Array; vt: Float64Array; ft: number[] } {
  const V = 6, J = 3, N = 20;
  const v = Float64Array.from([0.1, 0, 0, -0.1, 0, 0, 0.1, 0.5, 0, -0.1, 0.5, 0, 0.1, 1, 0.05, -0.1, 1, 0.05]);
  const f = [0, 2, 1, 1, 2, 3, 2, 4, 3, 3, 4, 5];
  const sd = Float64Array.from({ length: V * 3 * N }, () => rng.uniform(-0.01, 0.01));
  const jr = new Float64Array(J * V);
  jr[0 * V + 0] = 0.5; jr[0 * V + 1] = 0.5; jr[1 * V + 2] = 0.5; jr[1 * V + 3] = 0.5; jr[2 * V + 4] = 0.5; jr[2 * V + 5] = 0.5;
  const w = new Float64Array(V * J);
  for (let i = 0; i < V; i++) { const j = Math.floor(i / 2); w[i * J + j] = 0.75; w[i * J + ((j + 1) % J)] = 0.25; }
  const vt = Float64Array.from({ length: 8 * 2 }, (_, i) => (i % 7) / 7);
  const ft = [0, 1, 2, 2, 1, 3, 4, 5, 6, 6, 5, 7];
  const bytes = encodeNpz({
    v_template: { data: v, shape: [V, 3] },
    f: { data: Float64Array.from(f), shape: [4, 3], dtype: 'i8' },
    shapedirs: { data: sd, shape: [V, 3, N], fortran },
    J_regressor: { data: jr, shape: [J, V], fortran },
    weights: { data: w, shape: [V, J] },
    kintree_table: { data: Uint32Array.from([4294967295, 0, 1, 0, 1, 2]), shape: [2, J] },
    posedirs: { data: new Float64Array(V * 3 * 9), shape: [V, 3, 9] },
    vt: { data: vt, shape: [8, 2] },
    ft: { data: Int32Array.from(ft), shape: [4, 3] },
    gender: { data: ['neutral'], shape: [] },
  }, true);
  return { bytes, v, f, sd, jr, w, vt, ft };
}

test('SMPL-X loader round-trips a synthetic npz (C and Fortran order)', () => {
  for (const fortran of [false, true]) {
    const s = synthetic(new Rng(1), fortran);
    const m = loadSmplx(s.bytes, { shapeComponents: 10, expressionComponents: 10, influences: 2 });
    assert.equal(m.kind, 'smplx');
    assert.equal(m.vertexCount, 6);
    assert.deepEqual(Array.from(m.template), Array.from(s.v, (x) => Math.fround(x)));
    assert.deepEqual(Array.from(m.triangles), s.f);
    assert.deepEqual(Array.from(m.skeleton.parents), [-1, 0, 1]);
    assert.deepEqual(m.skeleton.names, ['joint_0', 'joint_1', 'joint_2']);
    assert.equal(m.shapeCount, 10);
    assert.equal(m.expressionNames.length, 10);
    for (let vi = 0; vi < 6; vi++) for (let c = 0; c < 3; c++) {
      for (let k = 0; k < 10; k++) assert.equal(m.shapeBasis[(k * 6 + vi) * 3 + c], Math.fround(s.sd[(vi * 3 + c) * 20 + k]!));
      for (let k = 0; k < 10; k++) assert.equal(m.expressionBasis[(k * 6 + vi) * 3 + c], Math.fround(s.sd[(vi * 3 + c) * 20 + 10 + k]!));
    }
    const J = m.jointPositions(m.template);
    assert.deepEqual(Array.from(J, (x) => Math.round(x * 1e6) / 1e6), [0, 0, 0, 0, 0.5, 0, 0, 1, 0.05]);
    for (let i = 0; i < 6; i++) { assert.ok(Math.abs(m.skinning.weights[i * 2]! - 0.75) < 1e-7); assert.equal(m.skinning.joints[i * 2], Math.floor(i / 2)); }
    for (let i = 0; i < 12; i++) { assert.ok(Math.abs(m.cornerUvs[i * 2]! - s.vt[s.ft[i]! * 2]!) < 1e-7); assert.ok(Math.abs(m.cornerUvs[i * 2 + 1]! - s.vt[s.ft[i]! * 2 + 1]!) < 1e-7); }
    // Mirror by position: vertex 0 (x = 0.1) ↔ vertex 1 (x = −0.1).
    assert.deepEqual(Array.from(m.mirror!), [1, 0, 3, 2, 5, 4]);
    // Posing: rest = template; a quarter turn of the root about Y maps (x, y, z) to (z, y, −x).
    const poser = new BodyPoser(m);
    const rest = poser.forward({ pose: { rotations: new Float64Array(9), translation: [0, 0, 0] } });
    for (let i = 0; i < 18; i++) assert.ok(Math.abs(rest.vertices[i]! - m.template[i]!) < 1e-7);
    const rot = new Float64Array(9); rot[1] = Math.PI / 2; rot[4] = 0; // root only
    const turned = poser.forward({ pose: { rotations: rot, translation: [0, 0, 0] } });
    for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(turned.vertices[i * 3]! - m.template[i * 3 + 2]!) < 1e-6);
      assert.ok(Math.abs(turned.vertices[i * 3 + 2]! + m.template[i * 3]!) < 1e-6);
    }
    // The loaded model subdivides like any other.
    assert.equal(subdivideOnce(m).model.triangles.length, 4 * 12);
  }
});

test('SMPL-X: 55-joint files get the SMPL-X joint names; bad files give PersonaErrors', () => {
  assert.equal(SMPLX_JOINT_NAMES.length, 55);
  assert.equal(SMPLX_JOINT_NAMES[22], 'jaw');
  assert.equal(SMPLX_JOINT_NAMES[54], 'right_thumb3');
  const bad = encodeNpz({ v_template: { data: new Float64Array(6), shape: [2, 3] } });
  assert.throws(() => loadSmplx(bad), PersonaError);
  assert.throws(() => loadSmplx('/nonexistent/SMPLX_NEUTRAL.npz'), PersonaError);
});

test('mirrorByPosition finds mirrored vertices and marks unmatched ones', () => {
  const p = Float32Array.from([0.2, 1, 0, -0.2, 1, 0.0005, 0, 0.5, 0, 0.3, 0, 0]);
  assert.deepEqual(Array.from(mirrorByPosition(p, 1e-3)), [1, 0, 2, -1]);
});
