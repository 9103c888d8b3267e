/**
 * Exports opened in real renderers in headless Chromium (software GL), the way their users load them:
 * SPZ, SOG, PLY and .splat in Spark (`new SplatMesh({ url })` turned 180° about X, Spark's documented recipe for files in
 * the 3DGS capture frame). The avatar's head is painted red and its feet blue; each screenshot must show
 * red pixels above blue ones. Chromium missing is a failure, not a skip (CI installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { encodeAvatar, type ExportOptions } from '../../src/export/export.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';
import { fixtureAvatar } from './fixture.js';
import sharp from 'sharp';
import { restPose } from '../../src/export/cloud.js';
import { encodeSplatAnimation } from '../../src/export/splatAnimation.js';
import { findChromium } from '../../src/viewer/chromium.js';
import { findMarks, IMPORT_MAP, markHeadAndFeet, startStaticServer, type Marks } from './browser.js';

const VIEW = { width: 360, height: 480 };

/** A page that shows one splat file in Spark, turned as Spark's docs say for 3DGS files, and reports when drawn. */
const sparkPage = (file: string): string => `<!doctype html><html><body style="margin:0;background:#222">
<canvas id="view" width="${VIEW.width}" height="${VIEW.height}"></canvas>
<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
import * as THREE from 'three';
import { SparkRenderer, SplatMesh } from '@sparkjsdev/spark';
window.__state = { ready: false, error: null, count: 0 };
try {
  const canvas = document.getElementById('view');
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.setClearColor(0x222222);
  const scene = new THREE.Scene();
  scene.add(new SparkRenderer({ renderer }));
  const camera = new THREE.PerspectiveCamera(40, ${VIEW.width / VIEW.height}, 0.05, 50);
  camera.position.set(0, 0.9, 3.4);
  camera.lookAt(0, 0.9, 0);
  const mesh = new SplatMesh({ url: '${file}' });
  mesh.quaternion.set(1, 0, 0, 0); // 180° about X: the 3DGS capture frame (Y down) into three.js (Y up)
  scene.add(mesh);
  await mesh.initialized;
  window.__state.count = mesh.packedSplats ? mesh.packedSplats.numSplats : -1;
  let frames = 0;
  renderer.setAnimationLoop(() => {
    renderer.render(scene, camera);
    if (++frames === 30) window.__state.ready = true;
  });
} catch (e) { window.__state.error = String(e && e.stack || e); }
</script></body></html>`;

interface PageState { ready: boolean; error: string | null; count: number }

/** Where screenshots go besides the temp folder (docs/images when regenerating the docs). */
const SHOTS = process.env.PERSONA_EXPORT_SHOTS;

async function showInPage(browser: Browser, url: string, name: string): Promise<{ marks: Marks; state: PageState }> {
  const page = await browser.newPage({ viewport: VIEW });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${url}/${name}.html`);
    await page.waitForFunction(() => { const s = (window as unknown as { __state?: PageState }).__state; return s && (s.error || s.ready); }, null, { timeout: 120_000, polling: 100 });
    const state = await page.evaluate(() => (window as unknown as { __state: PageState }).__state);
    assert.equal(state.error, null, `${name}: ${state.error}`);
    assert.deepEqual(errors, []);
    const png = await page.locator('#view').screenshot();
    if (SHOTS) { await mkdir(SHOTS, { recursive: true }); await writeFile(join(SHOTS, `${name}.png`), png); }
    return { marks: await findMarks(png), state };
  } finally {
    await page.close();
  }
}

// 600 s: four pages, each given 120 s to render; with the suite's other files running beside it (two at a time, some on two
// threads each) the four together once took more than 300 s in a fresh clone (2026-12-06) while alone they take ~20 s
test('SPZ (v2, default frame), SOG, PLY and .splat open in Spark upright: head (red) above feet (blue)', { timeout: 600_000 }, async () => {
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one; throws when none
  const avatar = markHeadAndFeet(syntheticAvatar({ gaussians: 6000, anchors: 4, hidden: [8] }));
  const files = new Map<string, Uint8Array | string>();
  const cases: Array<[string, ExportOptions]> = [['spz', { format: 'spz' }], ['sog', { format: 'sog', sogIterations: 4 }], ['ply', { format: 'ply' }], ['splat', { format: 'splat' }]];
  for (const [name, options] of cases) {
    files.set(`/avatar.${name}`, await encodeAvatar(avatar, options));
    files.set(`/spark-${name}.html`, sparkPage(`/avatar.${name}`));
  }
  const server = await startStaticServer(files);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    for (const [name] of cases) {
      const { marks, state } = await showInPage(browser, server.url, `spark-${name}`);
      assert.equal(state.count, avatar.header.gaussianCount, `${name}: Spark holds every Gaussian`);
      const px = VIEW.width * VIEW.height;
      assert.ok(marks.foreground > px * 0.02, `${name}: the avatar covers ${((100 * marks.foreground) / px).toFixed(1)}% of the canvas`);
      assert.ok(marks.redCount > 30 && marks.blueCount > 30, `${name}: head and feet visible (${marks.redCount} red, ${marks.blueCount} blue pixels)`);
      assert.ok(marks.redRow < marks.blueRow - VIEW.height * 0.4, `${name}: head (row ${marks.redRow.toFixed(0)}) above feet (row ${marks.blueRow.toFixed(0)})`);
    }
  } finally {
    await browser?.close();
    await server.close();
  }
});

/** A page that loads a VRM with three-vrm (GLTFLoader + VRMLoaderPlugin), as VRM apps on the web do. */
const vrmPage = (file: string): string => `<!doctype html><html><body style="margin:0;background:#222">
<canvas id="view" width="${VIEW.width}" height="${VIEW.height}"></canvas>
<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { VRMLoaderPlugin } from '@pixiv/three-vrm';
window.__state = { ready: false, error: null, count: 0 };
try {
  const canvas = document.getElementById('view');
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.setClearColor(0x222222);
  const scene = new THREE.Scene();
  scene.add(new THREE.AmbientLight(0xffffff, 2.5));
  const camera = new THREE.PerspectiveCamera(40, ${VIEW.width / VIEW.height}, 0.05, 50);
  camera.position.set(0, 0.9, 3.4);
  camera.lookAt(0, 0.9, 0);
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const gltf = await loader.loadAsync('${file}');
  const vrm = gltf.userData.vrm;
  if (!vrm) throw new Error('three-vrm found no VRM in the file');
  scene.add(vrm.scene);
  vrm.update(0);
  const bones = ['hips', 'head', 'leftHand', 'rightFoot'].map((b) => !!vrm.humanoid.getNormalizedBoneNode(b));
  window.__state.count = bones.filter(Boolean).length;
  window.__state.meta = { version: vrm.meta.metaVersion, name: vrm.meta.name, authors: vrm.meta.authors };
  const head = new THREE.Vector3(), foot = new THREE.Vector3();
  vrm.humanoid.getRawBoneNode('head').getWorldPosition(head);
  vrm.humanoid.getRawBoneNode('leftFoot').getWorldPosition(foot);
  window.__state.headY = head.y; window.__state.footY = foot.y;
  let frames = 0;
  renderer.setAnimationLoop(() => { renderer.render(scene, camera); if (++frames === 5) window.__state.ready = true; });
} catch (e) { window.__state.error = String(e && e.stack || e); }
</script></body></html>`;

test('VRM opens in three-vrm: humanoid bones, meta, and the avatar upright on screen', { timeout: 300_000 }, async () => {
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one; throws when none
  const avatar = markHeadAndFeet(fixtureAvatar({ radius: 0.05 }));
  const files = new Map<string, Uint8Array | string>([
    ['/avatar.vrm', await encodeAvatar(avatar, { format: 'vrm', vrm: { author: 'Persona test', name: 'fixture' } })],
    ['/vrm.html', vrmPage('/avatar.vrm')],
  ]);
  const server = await startStaticServer(files);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const { marks, state } = await showInPage(browser, server.url, 'vrm');
    const s = state as PageState & { meta: { version: string; name: string; authors: string[] }; headY: number; footY: number };
    assert.equal(s.count, 4, 'three-vrm maps hips, head, leftHand, rightFoot');
    assert.deepEqual(s.meta, { version: '1', name: 'fixture', authors: ['Persona test'] });
    assert.ok(s.headY > 1.4 && Math.abs(s.footY) < 0.2, `head bone at y ${s.headY}, foot at ${s.footY} (origin on the floor)`);
    assert.ok(marks.redCount > 30 && marks.blueCount > 30, `head and feet visible (${marks.redCount} red, ${marks.blueCount} blue pixels)`);
    assert.ok(marks.redRow < marks.blueRow - VIEW.height * 0.4, `head (row ${marks.redRow.toFixed(0)}) above feet (row ${marks.blueRow.toFixed(0)})`);
  } finally {
    await browser?.close();
    await server.close();
  }
});

/** A page that plays an animated-splat export folder (served under /anim/) with its own player.js in Spark. */
const animPage = `<!doctype html><html><body style="margin:0;background:#222">
<canvas id="view" width="${VIEW.width}" height="${VIEW.height}"></canvas>
<script type="importmap">${IMPORT_MAP}</script>
<script type="module">
import * as THREE from 'three';
import * as spark from '@sparkjsdev/spark';
import { loadPersonaSplatAnimation } from '/anim/player.js';
window.__state = { ready: false, error: null, count: 0 };
try {
  const canvas = document.getElementById('view');
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.setClearColor(0x222222);
  const scene = new THREE.Scene();
  scene.add(new spark.SparkRenderer({ renderer }));
  const camera = new THREE.PerspectiveCamera(40, ${VIEW.width / VIEW.height}, 0.05, 50);
  camera.position.set(0, 1.0, 4.2);
  camera.lookAt(0, 1.0, 0);
  const player = await loadPersonaSplatAnimation({ THREE, spark, base: '/anim/' });
  scene.add(player.mesh);
  window.__state.count = player.frameCount;
  let frames = 0, target = 30;
  window.__show = (f) => { player.setFrame(f); window.__state.ready = false; target = frames + 30; };
  renderer.setAnimationLoop(() => { renderer.render(scene, camera); if (++frames === target) window.__state.ready = true; });
} catch (e) { window.__state.error = String(e && e.stack || e); }
</script></body></html>`;

/** The topmost image row with foreground pixels. */
async function topRow(png: Uint8Array): Promise<number> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) {
    const i = (y * info.width + x) * 3;
    if (Math.abs(data[i]! - data[0]!) + Math.abs(data[i + 1]! - data[1]!) + Math.abs(data[i + 2]! - data[2]!) > 40) return y;
  }
  return info.height;
}

test('animated splats play in Spark: upright at rest, the raised arms of frame 1 reach above the head', { timeout: 300_000 }, async () => {
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one; throws when none
  const avatar = markHeadAndFeet(syntheticAvatar({ gaussians: 6000, anchors: 4, hidden: [8] }));
  const names = avatar.header.skeleton.names;
  const up = restPose(avatar);
  up.rotations[names.indexOf('left_shoulder') * 3 + 2] = 1.3; // the left arm (+X) swings up about +Z
  up.rotations[names.indexOf('right_shoulder') * 3 + 2] = -1.3;
  const anim = await encodeSplatAnimation(avatar, { name: 'raise', fps: 2, poses: [restPose(avatar), up] });
  const files = new Map<string, Uint8Array | string>([...anim].map(([n, b]) => [`/anim/${n}`, b] as const));
  files.set('/anim.html', animPage);
  const server = await startStaticServer(files);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage({ viewport: VIEW });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/anim.html`);
    const settle = async (): Promise<Uint8Array> => {
      await page.waitForFunction(() => { const s = (window as unknown as { __state?: PageState }).__state; return s && (s.error || s.ready); }, null, { timeout: 120_000, polling: 100 });
      const state = await page.evaluate(() => (window as unknown as { __state: PageState }).__state);
      assert.equal(state.error, null, state.error ?? '');
      assert.equal(state.count, 2);
      return page.locator('#view').screenshot();
    };
    const rest = await settle();
    await page.evaluate(() => (window as unknown as { __show(f: number): void }).__show(1));
    const raised = await settle();
    assert.deepEqual(errors, []);
    if (SHOTS) { await writeFile(join(SHOTS, 'anim-rest.png'), rest); await writeFile(join(SHOTS, 'anim-raised.png'), raised); }
    const a = await findMarks(rest), b = await findMarks(raised);
    assert.ok(a.redCount > 30 && a.blueCount > 30 && a.redRow < a.blueRow - VIEW.height * 0.3, `rest: head row ${a.redRow.toFixed(0)} above feet row ${a.blueRow.toFixed(0)}`);
    assert.ok(b.redCount > 30 && Math.abs(b.redRow - a.redRow) < 5, 'the head stays where it was');
    const [t0, t1] = [await topRow(rest), await topRow(raised)];
    assert.ok(t1 < t0 - 15, `raised hands reach above the head: top row ${t0} → ${t1}`);
  } finally {
    await browser?.close();
    await server.close();
  }
});
