/**
 * The GLB exports checked by the Khronos glTF validator (npm `gltf-validator`, the reference implementation
 * the Khronos sample viewer uses): 0 errors and 0 warnings for baked and rigged GLBs with each skeleton
 * naming, on an avatar whose skin has zero-weight slots (the synthetic mannequin); a default scene; the
 * origin on the floor between the feet; joint names in the chosen convention.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeIO } from '@gltf-transform/core';
import { avatarGlb } from '../../src/export/glb.js';
import { restPose } from '../../src/export/cloud.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';
import { fixtureAvatar } from './fixture.js';
import { avatarVrm, readGlbChunks, VRM_REQUIRED_BONES } from '../../src/export/vrm.js';

interface Report { issues: { numErrors: number; numWarnings: number; messages: Array<{ code: string; message: string; severity: number; pointer?: string }> } }
/** The validator's package ships no types; this is the part used. */
const VALIDATOR = 'gltf-validator';
async function validate(bytes: Uint8Array): Promise<Report> {
  const v = (await import(VALIDATOR)) as { validateBytes(b: Uint8Array, o?: object): Promise<Report> };
  return v.validateBytes(bytes, { maxIssues: 50 });
}
const summary = (r: Report): string => r.issues.messages.filter((m) => m.severity <= 1).slice(0, 5).map((m) => `${m.code} ${m.message} ${m.pointer ?? ''}`).join('; ');

for (const [what, avatar] of [['mannequin (points, blended skin)', syntheticAvatar({ gaussians: 3000, anchors: 4, hidden: [8] })], ['stick figure (triangles)', fixtureAvatar()]] as const) {
test(`glTF validator: baked and rigged GLBs of the ${what} (every skeleton naming, with an animation) have 0 errors and 0 warnings`, async () => {
  const J = avatar.header.skeleton.names.length;
  const pose = restPose(avatar);
  pose.rotations[avatar.header.skeleton.names.indexOf('left_elbow') * 3 + 2] = 0.8;
  const cases = [
    ['baked', await avatarGlb(avatar, { pose })],
    ...(await Promise.all((['unreal', 'mixamo', 'vrm'] as const).map(async (skeleton) => [skeleton, await avatarGlb(avatar, { rigged: true, skeleton, animation: { name: 'bend', fps: 30, poses: [restPose(avatar), pose] } })] as const))),
  ] as const;
  for (const [name, bytes] of cases) {
    const r = await validate(bytes);
    assert.equal(r.issues.numErrors, 0, `${name}: ${summary(r)}`);
    assert.equal(r.issues.numWarnings, 0, `${name}: ${summary(r)}`);
    const doc = await new NodeIO().readBinary(bytes);
    assert.ok(doc.getRoot().getDefaultScene(), `${name}: default scene`);
    const pos = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('POSITION')!;
    const lo = pos.getMin([0, 0, 0]), hi = pos.getMax([0, 0, 0]);
    assert.ok(Math.abs(lo[1]!) < 1e-6 && hi[1]! > 1.4, `${name}: feet on y = 0, head above (${lo[1]}…${hi[1]})`);
    if (name !== 'baked') {
      const joints = doc.getRoot().listSkins()[0]!.listJoints().map((j) => j.getName());
      assert.equal(joints.length, J);
      const expect = { unreal: ['pelvis', 'thigh_l', 'lowerarm_r'], mixamo: ['mixamorig:Hips', 'mixamorig:LeftUpLeg', 'mixamorig:RightForeArm'], vrm: ['hips', 'leftUpperLeg', 'rightLowerArm'] }[name];
      for (const n of expect) assert.ok(joints.includes(n), `${name}: has ${n} (${joints.slice(0, 8).join(', ')}…)`);
      assert.equal(new Set(joints).size, J, 'unique joint names');
    }
  }
});
}

test('glTF validator on the VRM: 0 errors, 0 warnings; it reports VRMC_vrm as an extension it cannot check (info)', async () => {
  const avatar = fixtureAvatar();
  const bytes = await avatarVrm(avatar, { author: 'A. Person', licence: 'https://creativecommons.org/licenses/by-nc/4.0/' });
  const r = await validate(bytes);
  assert.equal(r.issues.numErrors, 0, summary(r));
  assert.equal(r.issues.numWarnings, 0, summary(r));
  assert.deepEqual(r.issues.messages.map((m) => m.code), ['UNSUPPORTED_EXTENSION']);
  const { json } = readGlbChunks(bytes);
  const vrm = (json.extensions as { VRMC_vrm: { specVersion: string; meta: Record<string, unknown>; humanoid: { humanBones: Record<string, { node: number }> } } }).VRMC_vrm;
  assert.equal(vrm.specVersion, '1.0');
  assert.deepEqual(vrm.meta.authors, ['A. Person']);
  assert.equal(vrm.meta.otherLicenseUrl, 'https://creativecommons.org/licenses/by-nc/4.0/');
  for (const b of VRM_REQUIRED_BONES) assert.ok(vrm.humanoid.humanBones[b], `humanoid has ${b}`);
  const nodes = json.nodes as Array<{ name: string }>;
  assert.equal(nodes[vrm.humanoid.humanBones.leftUpperArm!.node]!.name, 'leftUpperArm');
  await assert.rejects(avatarVrm(avatar, { licence: 'CC BY' }), /is not a URL/);
});
