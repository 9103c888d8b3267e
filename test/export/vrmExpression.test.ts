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
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from '../../src/viewer/chromium.js';
import { IMPORT_MAP, startStaticServer } from './browser.js';

/** The template (level 0) as an avatar bundle with its expression basis. */
function templateAvatar(): ReturnType<typeof createAvatarBundle> {
  const tpl = buildGaussianTemplate(loadBodyModel(), { shape: [0, 0, 0, 0], levels: 0 });
  const b = bundleFromTemplate(tpl, true);
  return createAvatarBundle(b.header, { ...Object.fromEntries(Object.entries(b.buffers).map(([k, v]) => [k, { data: v, shape: [v.length] }])),
    means: { data: b.buffers.means as Float32Array, shape: [tpl.count, 3] }, colors: { data: b.buffers.colors as Float32Array, shape: [tpl.count, 3] },
    triangles: { data: Uint32Array.from(tpl.triangles), shape: [tpl.triangles.length / 3, 3] } } as Parameters<typeof createAvatarBundle>[1]);
}

/** The same avatar without its expression basis (header and buffers). */
function bundleWithoutExpression(a: ReturnType<typeof createAvatarBundle>): ReturnType<typeof createAvatarBundle> {
  const { expressionGaussians: _g, expressionBasis: _b, ...rest } = a.buffers;
  return { ...a, header: { ...a.header, expression: null }, buffers: rest } as ReturnType<typeof createAvatarBundle>;
}

interface Report { issues: { numErrors: number; numWarnings: number; messages: Array<{ code: string; message: string; severity: number; pointer?: string }> } }
const VALIDATOR = 'gltf-validator';

test('VRM export of an avatar with an expression basis: morph targets + VRMC_vrm expression presets, valid glTF', { timeout: 300_000 }, async () => {
  const avatar = templateAvatar();
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

/** A page that loads the VRM with three-vrm, applies each preset through its expression manager and measures how far three.js moves the mesh's vertices (morphs + skinning). */
const vrmExpressionPage = `<!doctype html><html><body>
<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { VRMLoaderPlugin } from '@pixiv/three-vrm';
window.__state = { ready: false, error: null };
try {
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const vrm = (await loader.loadAsync('/avatar.vrm')).userData.vrm;
  const em = vrm.expressionManager;
  let mesh = null;
  vrm.scene.traverse((o) => { if (o.isSkinnedMesh && !mesh) mesh = o; });
  vrm.update(0);
  vrm.scene.updateMatrixWorld(true);
  const n = mesh.geometry.attributes.position.count;
  const snapshot = () => { const a = new Float32Array(n * 3), v = new THREE.Vector3(); for (let i = 0; i < n; i++) { mesh.getVertexPosition(i, v); a[i * 3] = v.x; a[i * 3 + 1] = v.y; a[i * 3 + 2] = v.z; } return a; };
  const rest = snapshot();
  const moved = {};
  for (const e of em.expressions) {
    const name = e.expressionName;
    for (const o of em.expressions) em.setValue(o.expressionName, 0);
    em.setValue(name, 1);
    vrm.update(0);
    const p = snapshot();
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.hypot(p[i * 3] - rest[i * 3], p[i * 3 + 1] - rest[i * 3 + 1], p[i * 3 + 2] - rest[i * 3 + 2]));
    moved[name] = max;
  }
  window.__state.moved = moved;
  window.__state.ready = true;
} catch (e) { window.__state.error = String(e && e.stack || e); }
</script></body></html>`;

test('three-vrm applies the exported expression presets: each moves the face, neutral moves nothing', { timeout: 300_000 }, async () => {
  const launch = await findChromium();
  const avatar = templateAvatar();
  const server = await startStaticServer(new Map<string, Uint8Array | string>([['/avatar.vrm', await avatarVrm(avatar)], ['/page.html', vrmExpressionPage]]));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage();
    await page.goto(`${server.url}/page.html`);
    await page.waitForFunction(() => { const s = (window as unknown as { __state: { ready: boolean; error: string | null } }).__state; return s && (s.ready || s.error); }, null, { timeout: 240_000 });
    const s = await page.evaluate(() => (window as unknown as { __state: { error: string | null; moved: Record<string, number> } }).__state);
    assert.equal(s.error, null);
    if (process.env.PERSONA_TEST_VERBOSE) console.log(JSON.stringify(s.moved));
    for (const preset of Object.keys(VRM_EXPRESSION_PRESETS)) {
      assert.ok(preset in s.moved, `three-vrm knows ${preset} (${Object.keys(s.moved).join(', ')})`);
      if (preset === 'neutral') assert.ok(s.moved[preset]! < 1e-6, `neutral moves ${s.moved[preset]}`);
      else assert.ok(s.moved[preset]! > 0.005, `${preset} moves vertices at most ${(s.moved[preset]! * 1000).toFixed(2)} mm`);
    }
  } finally {
    await browser?.close();
    await server.close();
  }
});
