import { test } from 'node:test';
import assert from 'node:assert/strict';
import { legBend, waistHangShare } from '../../src/shape/legBend.js';
import { SHAPE_CONFIG } from '../../src/shape/config.js';

/** Joints of two legs (Y up): hips 0.1 m either side of the midline at 1 m, thighs and shins 0.45 m; the left knee bent by `kneeDeg`
 * (shin swung back) and the left thigh lifted forward by `liftDeg`. */
function legs(liftDeg: number, kneeDeg: number): (name: string) => [number, number, number] {
  const rad = Math.PI / 180, lift = liftDeg * rad, bend = kneeDeg * rad;
  const kneeL: [number, number, number] = [0.1, 1 - 0.45 * Math.cos(lift), 0.45 * Math.sin(lift)];
  // the shin leaves the thigh's direction by `bend`, turning backwards (−z) in the sagittal plane
  const shinAngle = lift - bend;
  const joints: Record<string, [number, number, number]> = {
    thigh_l: [0.1, 1, 0], calf_l: kneeL, foot_l: [0.1, kneeL[1] - 0.45 * Math.cos(shinAngle), kneeL[2] + 0.45 * Math.sin(shinAngle)],
    thigh_r: [-0.1, 1, 0], calf_r: [-0.1, 0.55, 0], foot_r: [-0.1, 0.1, 0],
  };
  return (name) => joints[name]!;
}

test('leg bend: the larger of the thigh\'s lift from the trunk\'s down direction and the knee\'s bend, over both legs', () => {
  assert.ok(Math.abs(legBend(legs(0, 0), [0, 1, 0])) < 1e-9);
  assert.ok(Math.abs(legBend(legs(20, 0), [0, 1, 0]) - 20) < 1e-6);
  assert.ok(Math.abs(legBend(legs(10, 90), [0, 1, 0]) - 90) < 1e-6);
  // a trunk leaning 20° forward with the legs straight below the hips: the thighs are 20° off its down direction
  const lean = 20 * Math.PI / 180;
  assert.ok(Math.abs(legBend(legs(0, 0), [0, Math.cos(lean), Math.sin(lean)]) - 20) < 1e-6);
});

test('a garment hangs fully from the waist on straight legs, not at all on bent ones (jumps, sitting), smoothly between', () => {
  const [full, none] = SHAPE_CONFIG.waistHangLift;
  assert.equal(waistHangShare(0, SHAPE_CONFIG), 1);
  assert.equal(waistHangShare(full, SHAPE_CONFIG), 1);
  assert.equal(waistHangShare(none, SHAPE_CONFIG), 0);
  assert.equal(waistHangShare(94, SHAPE_CONFIG), 0); // man-jump-red's knees
  const mid = waistHangShare((full + none) / 2, SHAPE_CONFIG);
  assert.ok(Math.abs(mid - 0.5) < 1e-9);
  let last = 1;
  for (let a = full; a <= none; a += 0.5) { const h = waistHangShare(a, SHAPE_CONFIG); assert.ok(h <= last + 1e-12); last = h; }
});
