import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  axisAngleToMatrix, axisAngleToQuat, matrixToAxisAngle, matrixToQuat, quatToMatrix, quatToAxisAngle,
  matrixTo6d, sixDToMatrix, slerp, mat3Multiply, mat3Transpose, rotationAngleBetween, quatMultiply,
} from '../../src/core/rotation.js';
import { Rng } from '../../src/core/rng.js';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-9): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < tol, `index ${i}: ${a[i]} vs ${b[i]}`);
}

test('rotation conversions round-trip on random rotations', () => {
  const rng = new Rng(1);
  for (let k = 0; k < 200; k++) {
    const aa: [number, number, number] = [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2)];
    if (Math.hypot(...aa) > Math.PI - 1e-3) continue;
    const R = axisAngleToMatrix(...aa);
    // orthonormal with det +1
    close(mat3Multiply(R, mat3Transpose(R)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    close(matrixToAxisAngle(R), aa, 1e-7);
    close(quatToMatrix(axisAngleToQuat(...aa)), R);
    close(quatToMatrix(matrixToQuat(R)), R);
    close(quatToAxisAngle(axisAngleToQuat(...aa)), aa, 1e-9);
    close(sixDToMatrix(matrixTo6d(R)), R);
  }
});

test('axis-angle about Y by 90° maps +Z to +X', () => {
  const R = axisAngleToMatrix(0, Math.PI / 2, 0);
  close([R[2]!, R[5]!, R[8]!], [1, 0, 0], 1e-12); // R · (0,0,1)
});

test('slerp interpolates along the geodesic and composes with quatMultiply', () => {
  const a = axisAngleToQuat(0, 0, 0);
  const b = axisAngleToQuat(0, 1.2, 0);
  const mid = slerp(a, b, 0.5);
  close(quatToAxisAngle(mid), [0, 0.6, 0], 1e-9);
  close(quatMultiply(mid, mid), b, 1e-9);
  assert.ok(Math.abs(rotationAngleBetween(quatToMatrix(a), quatToMatrix(b)) - 1.2) < 1e-9);
});
