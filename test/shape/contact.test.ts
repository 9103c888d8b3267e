import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage, type FloatImage } from '../../src/core/image.js';
import { buildClothedProxy } from '../../src/shape/index.js';

/** The matte of a render grown by `radius` pixels: a loose top over the whole body, so arm and trunk carve as one blob. */
function grownMatte(alpha: Float32Array, width: number, height: number, radius: number): FloatImage {
  const matte = createImage(width, height, 1);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let hit = 0;
      for (let dy = -radius; dy <= radius && !hit; dy++)
        for (let dx = -radius; dx <= radius && !hit; dx++) {
          const xx = x + dx, yy = y + dy;
          if (dx * dx + dy * dy <= radius * radius && xx >= 0 && yy >= 0 && xx < width && yy < height && alpha[yy * width + xx]! >= 0.5) hit = 1;
        }
      matte.data[y * width + x] = hit;
    }
  return matte;
}

test('arms crossed in front of the body: the proxy unposes without sheets between arms and trunk', () => {
  // subject 3 with the forearms crossed over the belly, hands on the opposite forearms; the matte grown by 6 px (~1.5 cm)
  const subject = makeSubject(3, { textureSize: 64 });
  const pose = subject.poseFromRecipe({
    aims: [
      ['upperarm_l', 'lowerarm_l', [0.12, -0.9, 0.3]], ['lowerarm_l', 'hand_l', [-0.8, -0.15, 0.55]],
      ['upperarm_r', 'lowerarm_r', [-0.12, -0.9, 0.3]], ['lowerarm_r', 'hand_r', [0.8, -0.15, 0.55]],
    ],
  });
  const posed = subject.pose(pose);
  const camera = subject.frameCamera(posed);
  const render = subject.render(posed, camera, { background: [1, 1, 1] });
  const matte = grownMatte(render.alpha, camera.width, camera.height, 6);
  const proxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose, camera, matte });
  assert.deepEqual(proxy.stats.shellTopology, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  // unposing a surface that joined arm and trunk stretched it into sheets: before the limb partition 723 of 36k triangles
  // grew an edge by more than 5 cm from the photo pose to the canonical pose; now 6 (elbow creases)
  const T = proxy.model.triangles, rest = proxy.model.template, P = proxy.posed;
  const length = (X: ArrayLike<number>, a: number, b: number): number => Math.hypot(X[a * 3]! - X[b * 3]!, X[a * 3 + 1]! - X[b * 3 + 1]!, X[a * 3 + 2]! - X[b * 3 + 2]!);
  let stretched = 0;
  for (let f = 0; f < T.length / 3; f++) {
    let grow = 0;
    for (let e = 0; e < 3; e++) { const a = T[f * 3 + e]!, b = T[f * 3 + ((e + 1) % 3)]!; grow = Math.max(grow, length(rest, a, b) - length(P, a, b)); }
    if (grow > 0.05) stretched++;
  }
  assert.ok(stretched < 0.002 * (T.length / 3), `${stretched} of ${T.length / 3} triangles stretched by > 5 cm`);
});
