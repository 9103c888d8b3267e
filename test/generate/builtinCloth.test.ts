/**
 * The builtin generator with a deformable surface (issue #17's proxy stands in as the synthetic skirt of
 * subject 2): with cloth dynamics the rendered frames differ from the skinned surface; with
 * `clothDynamics: false` they are exactly the skinned surface; bad UVs are refused.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { skirtSurface } from '../../src/bench/clothSurface.js';
import { renderBuiltinClip, placedMotion } from '../../src/generate/builtin.js';
import { BodyPoser, linearBlendSkinning, restPose } from '../../src/body/index.js';
import { renderTextured } from '../../src/render/index.js';

const s = makeSubject(2, { textureSize: 64 });
const surface = { surface: skirtSurface(s), cornerUvs: s.skirt!.mesh.cornerUvs };
const fitPose = restPose(s.model.skeleton.names.length);
const camera = s.frameCamera(s.pose(fitPose), { width: 48, height: 64 });
const base = { body: s.model, shape: Array.from(s.shape), fitPose, camera, texture: s.skirt!.texture, motion: 'walk', frames: 3, supersample: 1, surface };

test('builtin generator: simulated surface differs from the skinned one; --no-cloth-dynamics renders the skinned surface', () => {
  const simulated = renderBuiltinClip(base);
  const skinned = renderBuiltinClip({ ...base, clothDynamics: false });
  assert.equal(simulated.length, 3);
  let differing = 0;
  for (let k = 0; k < 3; k++) for (let i = 0; i < simulated[k]!.mask.data.length; i++) if (Math.abs(simulated[k]!.mask.data[i]! - skinned[k]!.mask.data[i]!) > 0.5) differing++;
  assert.ok(differing > 10, `${differing} mask pixels differ`);
  // the skinned frames are the surface posed by linear blend skinning, rendered as it is
  const { poseAt } = placedMotion(s.model, base.shape, fitPose, 'walk');
  const poser = new BodyPoser(s.model);
  const k = 1, pose = poseAt(skinned[k]!.time), posed = poser.forward({ shape: base.shape, pose });
  const verts = new Float32Array(surface.surface.rest.length);
  linearBlendSkinning(surface.surface.rest, surface.surface.skin, posed.skinTransforms, pose.translation, verts);
  const r = renderTextured(verts, surface.surface.triangles, surface.cornerUvs, base.texture, camera, { background: [1, 1, 1], supersample: 1 });
  assert.deepEqual(Array.from(r.alpha), Array.from(skinned[k]!.mask.data));
});

test('builtin generator refuses a surface whose corner UVs do not match its triangles', () => {
  assert.throws(() => renderBuiltinClip({ ...base, surface: { surface: surface.surface, cornerUvs: new Float32Array(6) } }), /corner UVs/);
});
