/**
 * Each splat export read back by a reader we did not write, in the frame 3DGS tools expect: the person's
 * head at the −Y end (Y down, the capture frame viewers turn by 180° about X), feet at the +Y end; and
 * `--up y` keeps the avatar's Y-up frame. PLY, .splat and SPZ v2 are read by gaussian-splats-3d; SPZ v3/v4
 * (written by the official SPZ library's wasm) and SOG by splat-transform's own JavaScript readers.
 * The browser test (browser.test.ts) opens SPZ and SOG in Spark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAvatar } from '../../src/export/export.js';
import { avatarCloud } from '../../src/export/cloud.js';
import { cloudInFrame } from '../../src/export/frame.js';
import { decodeSplatFormat } from '../../src/export/splatFormats.js';
import { fixtureAvatar } from './fixture.js';
import { gs3dPositions, headAndFeet } from './readers.js';

const avatar = fixtureAvatar();
const rest = avatarCloud(avatar);

/** Head (midline) at the −Y end, feet (two columns) at the +Y end, full height kept. */
function assertYDown(pos: Float32Array, what: string): void {
  const h = headAndFeet(pos);
  assert.ok(h.minYMeanAbsX < 0.075 && h.maxYMeanAbsX > 0.085, `${what}: head at −Y and feet at +Y (mean |x| at −Y end ${h.minYMeanAbsX.toFixed(3)}, at +Y end ${h.maxYMeanAbsX.toFixed(3)})`);
  assert.ok(Math.abs(h.height - 1.67) < 0.02, `${what}: height ${h.height.toFixed(3)} m`);
}

test('cloudInFrame(-y) is the 180° turn about X, for means and rotations', () => {
  const c = { ...rest, rotations: new Float32Array(rest.rotations) };
  // a non-trivial rotation on Gaussian 0: 90° about Z, q = [cos45, 0, 0, sin45]
  c.rotations.set([Math.SQRT1_2, 0, 0, Math.SQRT1_2], 0);
  const t = cloudInFrame(c, '-y');
  assert.deepEqual([t.means[3], t.means[4], t.means[5]], [c.means[3], -c.means[4]!, -c.means[5]!]);
  // R_x(180)·R_z(90) maps the local x axis to R_x(180)·(0,1,0) = (0,−1,0)
  const [w, x, y, z] = Array.from(t.rotations.subarray(0, 4));
  const ex = [1 - 2 * (y! * y! + z! * z!), 2 * (x! * y! + w! * z!), 2 * (x! * z! - w! * y!)];
  assert.ok(Math.abs(ex[0]!) < 1e-6 && Math.abs(ex[1]! + 1) < 1e-6 && Math.abs(ex[2]!) < 1e-6, `local x → ${ex}`);
  assert.strictEqual(cloudInFrame(c, 'y'), c);
});

for (const format of ['ply', 'splat', 'spz'] as const) {
  test(`${format.toUpperCase()} (default frame${format === 'spz' ? ', SPZ v2 gzip' : ''}) read by gaussian-splats-3d: upright in the Y-down capture frame`, async () => {
    const bytes = await encodeAvatar(avatar, { format });
    if (format === 'spz') {
      assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'gzip magic');
    }
    const pos = await gs3dPositions(bytes, format);
    assert.equal(pos.length / 3, rest.count);
    assertYDown(pos, format);
    if (format !== 'splat') {
      // order kept: each point is the rest point turned about X (within SPZ's 12-bit fixed point)
      const tol = format === 'spz' ? 2e-3 : 1e-6;
      for (let i = 0; i < rest.count; i++) {
        assert.ok(Math.abs(pos[i * 3]! - rest.means[i * 3]!) < tol && Math.abs(pos[i * 3 + 1]! + rest.means[i * 3 + 1]!) < tol && Math.abs(pos[i * 3 + 2]! + rest.means[i * 3 + 2]!) < tol, `point ${i}`);
      }
    }
    const up = await gs3dPositions(await encodeAvatar(avatar, { format, up: 'y' }), format);
    const flipped = new Float32Array(up.length);
    for (let i = 0; i < up.length; i += 3) { flipped[i] = up[i]!; flipped[i + 1] = -up[i + 1]!; flipped[i + 2] = -up[i + 2]!; }
    assertYDown(flipped, `${format} --up y, turned`);
  });
}

test('SPZ v2 is what gaussian-splats-3d 0.4.7 reads; v3 and v4 open in splat-transform\'s reader, upright', async () => {
  for (const spzVersion of [3, 4] as const) {
    const bytes = await encodeAvatar(avatar, { format: 'spz', spzVersion });
    if (spzVersion === 3) assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'v3 is gzip');
    else assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'NGSP', 'v4 has the plaintext NGSP header');
    const back = await decodeSplatFormat(bytes, 'spz');
    assert.equal(back.count, rest.count);
    assertYDown(back.means, `SPZ v${spzVersion}`);
  }
  const sog = await decodeSplatFormat(await encodeAvatar(avatar, { format: 'sog', sogIterations: 2 }), 'sog');
  assertYDown(sog.means, 'SOG');
});
