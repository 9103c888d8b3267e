/**
 * VRM expressions: an avatar with an expression basis exports morph targets (one per mapped named expression)
 * on the skinned mesh and VRMC_vrm.expressions.preset binds to them. Checked with readers we did not write:
 * @gltf-transform/core finds the morph targets, the Khronos glTF validator reports 0 errors and 0 warnings.
 * Each target moves the face by millimetres to centimetres and nothing below the neck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeIO } from '@gltf-transform/core';
import { createAvatarBundle } from '../../src/avatar/bundle.js';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { avatarVrm, readGlbChunks } from '../../src/export/vrm.js';
import { VRM_EXPRESSION_PRESETS } from '../../src/export/config.js';
import { bundleFromTemplate } from '../avatar/templateBundle.js';

/** The same avatar without its expression basis (header and buffers). */
function bundleWithoutExpression(a: ReturnType<typeof createAvatarBundle>): ReturnType<typeof createAvatarBundle> {
  const { expressionGaussians: _g, expressionBasis: _b, ...rest } = a.buffers;
  return { ...a, header: { ...a.header, expression: null }, buffers: rest } as ReturnType<typeof createAvatarBundle>;
}

interface Report { issues: { numErrors: number; numWarnings: number; messages: Array<{ code: string; message: string; severity: number; pointer?: string }> } }
const VALIDATOR = 'gltf-validator';

test('VRM export of an avatar with an expression basis: morph targets + VRMC_vrm expression presets, valid glTF', { timeout: 300_000 }, async () => {
  const body = loadBodyModel();
  const tpl = buildGaussianTemplate(body, { shape: [0, 0, 0, 0], levels: 0 });
  const b = bundleFromTemplate(tpl, true);
  const avatar = createAvatarBundle(b.header, { ...Object.fromEntries(Object.entries(b.buffers).map(([k, v]) => [k, { data: v, shape: [v.length] }])),
    means: { data: b.buffers.means as Float32Array, shape: [tpl.count, 3] }, colors: { data: b.buffers.colors as Float32Array, shape: [tpl.count, 3] },
    triangles: { data: Uint32Array.from(tpl.triangles), shape: [tpl.triangles.length / 3, 3] } } as Parameters<typeof createAvatarBundle>[1]);
  const bytes = await avatarVrm(avatar, { author: 'A. Person' });
  const plain = await avatarVrm(bundleWithoutExpression(avatar), { author: 'A. Person' });
  if (process.env.PERSONA_TEST_VERBOSE) console.log(`VRM ${bytes.length} bytes with expressions, ${plain.length} without`);
  // Morph targets are written as sparse accessors (only the moved face vertices): far below 11 dense copies.
  assert.ok(bytes.length < plain.length * 1.5, `${bytes.length} vs ${plain.length} bytes`);
  assert.equal((readGlbChunks(plain).json.extensions as { VRMC_vrm: { expressions?: unknown } }).VRMC_vrm.expressions, undefined, 'no basis → no expressions');

  const doc = await new NodeIO().readBinary(bytes);
  const mesh = doc.getRoot().listMeshes()[0]!;
  const prim = mesh.listPrimitives()[0]!;
  const targets = prim.listTargets();
  const named = (mesh.getExtras() as { targetNames: string[] }).targetNames;
  assert.deepEqual([...named].sort(), ['aa', 'anger', 'blinkLeft', 'blinkRight', 'ee', 'ih', 'oh', 'ou', 'sadness', 'smile', 'surprise']);
  assert.equal(targets.length, named.length);
  assert.deepEqual(mesh.getWeights(), named.map(() => 0));
  // Each target moves the face (millimetres to centimetres) and nothing far below the head.
  const pos = prim.getAttribute('POSITION')!;
  const top = pos.getMax([0, 0, 0])[1]!;
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!.getAttribute('POSITION')!;
    let max = 0, maxLow = 0;
    const e: number[] = [0, 0, 0], p: number[] = [0, 0, 0];
    for (let i = 0; i < d.getCount(); i++) {
      d.getElement(i, e); pos.getElement(i, p);
      const m = Math.hypot(e[0]!, e[1]!, e[2]!);
      if (m > max) max = m;
      if (p[1]! < top - 0.45 && m > maxLow) maxLow = m;
    }
    if (process.env.PERSONA_TEST_VERBOSE) console.log(`${named[t]}: ${d.getCount()} vertices, largest delta ${(max * 1000).toFixed(2)} mm`);
    assert.ok(max > 0.001 && max < 0.05, `${named[t]}: largest delta ${(max * 1000).toFixed(2)} mm`);
    assert.ok(maxLow < 1e-6, `${named[t]}: moves a vertex below the neck by ${maxLow}`);
  }

  const { json } = readGlbChunks(bytes);
  const vrm = (json.extensions as { VRMC_vrm: { expressions: { preset: Record<string, { morphTargetBinds: Array<{ node: number; index: number; weight: number }> }> } } }).VRMC_vrm;
  const nodes = json.nodes as Array<{ mesh?: number; skin?: number }>;
  assert.deepEqual(Object.keys(vrm.expressions.preset).sort(), Object.keys(VRM_EXPRESSION_PRESETS).sort());
  for (const [preset, ours] of Object.entries(VRM_EXPRESSION_PRESETS)) {
    const binds = vrm.expressions.preset[preset]!.morphTargetBinds;
    if (ours === 'neutral') { assert.deepEqual(binds, []); continue; }
    assert.equal(binds.length, 1, preset);
    assert.equal(named[binds[0]!.index], ours, `${preset} binds ${ours}`);
    assert.equal(nodes[binds[0]!.node]!.mesh, 0, `${preset} binds the skinned mesh node`);
    assert.ok(nodes[binds[0]!.node]!.skin !== undefined);
  }

  const v = (await import(VALIDATOR)) as { validateBytes(b: Uint8Array, o?: object): Promise<Report> };
  const r = await v.validateBytes(bytes, { maxIssues: 50 });
  const bad = r.issues.messages.filter((m) => m.severity <= 1).slice(0, 5).map((m) => `${m.code} ${m.message} ${m.pointer ?? ''}`).join('; ');
  assert.equal(r.issues.numErrors, 0, bad);
  assert.equal(r.issues.numWarnings, 0, bad);
});
