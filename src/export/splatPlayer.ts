/**
 * The player shipped inside an animated-splat export folder (`player.js`, an ES module, plus `index.html`
 * that loads three.js and Spark from a CDN in the user's browser). It loads `animation.json`, the splats
 * (`avatar.spz`, Y-up) and the skin (`skin.bin`) into a Spark `SplatMesh` with a `SplatSkinning` (dual-
 * quaternion skinning on the GPU, Spark ≥ 2), and sets each bone's skinning transform per frame from `frames.bin`. The browser test drives the same module against the npm packages.
 */

/** player.js: `loadPersonaSplatAnimation({ THREE, spark, base })` → { mesh, fps, frameCount, setFrame(f), update(seconds) }. */
export const PLAYER_JS = `// Persona animated splats: plays an export folder in Spark (https://sparkjs.dev), three.js >= 0.180.
export async function loadPersonaSplatAnimation({ THREE, spark, base = './' }) {
  const get = async (name) => { const r = await fetch(base + name); if (!r.ok) throw new Error(name + ': HTTP ' + r.status); return r; };
  const anim = await (await get('animation.json')).json();
  if (anim.format !== 'persona-splat-animation') throw new Error('not a Persona splat animation');
  const skin = await (await get(anim.skin)).arrayBuffer();
  const frames = new Float32Array(await (await get(anim.frames)).arrayBuffer());
  const n = anim.gaussians, B = anim.bones.length, F = anim.frameCount;
  const mesh = new spark.SplatMesh({ url: base + anim.splats });
  await mesh.initialized;
  const skinning = new spark.SplatSkinning({ mesh, numSplats: n, numBones: B });
  const index = new Uint16Array(skin, 0, n * 4), weight = new Float32Array(skin, n * 8, n * 4);
  const bi = new THREE.Vector4(), bw = new THREE.Vector4();
  for (let i = 0; i < n; i++) {
    bi.fromArray(index, i * 4); bw.fromArray(weight, i * 4);
    skinning.setSplatBones(i, bi, bw);
  }
  skinning.skinTexture.needsUpdate = true;
  const q = new THREE.Quaternion(), p = new THREE.Vector3();
  // frames hold each bone's whole skinning transform (rest → posed), so every rest is the identity
  for (let j = 0; j < B; j++) skinning.setRestQuatPos(j, q.identity(), p.set(0, 0, 0));
  mesh.skinning = skinning;
  mesh.updateGenerator();
  let current = -1;
  const setFrame = (f) => {
    f = ((Math.floor(f) % F) + F) % F;
    if (f === current) return;
    current = f;
    for (let j = 0; j < B; j++) {
      const o = (f * B + j) * 7;
      q.set(frames[o], frames[o + 1], frames[o + 2], frames[o + 3]);
      p.set(frames[o + 4], frames[o + 5], frames[o + 6]);
      skinning.setBoneQuatPos(j, q, p);
    }
    skinning.updateBones();
  };
  setFrame(0);
  return { mesh, fps: anim.fps, frameCount: F, setFrame, update: (seconds) => setFrame(seconds * anim.fps) };
}
`;

/** index.html: a full-window player (three.js and Spark from a CDN, fetched by the viewer's browser). */
export const PLAYER_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>Persona animated splats</title>
<style>html,body{margin:0;height:100%;background:#202124;overflow:hidden}</style>
<script type="importmap">{"imports":{"three":"https://cdn.jsdelivr.net/npm/three@0.180.0/build/three.module.js","@sparkjsdev/spark":"https://cdn.jsdelivr.net/npm/@sparkjsdev/spark@2.2.0/dist/spark.module.js"}}</script>
</head><body>
<script type="module">
// Serve this folder over HTTP (e.g. \`npx serve\`) and open it; the splats are Y-up, facing +Z.
import * as THREE from 'three';
import * as spark from '@sparkjsdev/spark';
import { loadPersonaSplatAnimation } from './player.js';
const renderer = new THREE.WebGLRenderer();
renderer.setSize(innerWidth, innerHeight);
document.body.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.add(new spark.SparkRenderer({ renderer }));
const camera = new THREE.PerspectiveCamera(40, innerWidth / innerHeight, 0.05, 50);
camera.position.set(0, 1, 4.2);
camera.lookAt(0, 1, 0);
const player = await loadPersonaSplatAnimation({ THREE, spark });
scene.add(player.mesh);
const t0 = performance.now();
renderer.setAnimationLoop(() => { player.update((performance.now() - t0) / 1000); renderer.render(scene, camera); });
</script></body></html>
`;
