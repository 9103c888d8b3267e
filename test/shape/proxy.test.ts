import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage } from '../../src/core/image.js';
import { MeshDistance } from '../../src/shape/meshDistance.js';
import { buildClothedProxy, meshTopology, proxySilhouetteIoU, PROXY_MATERIAL, SHAPE_CONFIG, type ClothedProxy } from '../../src/shape/index.js';
import { BodyPoser } from '../../src/body/skinning.js';

/** The proxy of a synthetic subject from its true body, pose, camera and matte. */
function proxyOf(id: number): { proxy: ClothedProxy; iou: number; subject: ReturnType<typeof makeSubject>; photo: ReturnType<ReturnType<typeof makeSubject>['photo']> } {
  const subject = makeSubject(id, { textureSize: 256 });
  const photo = subject.photo();
  const matte = createImage(photo.camera.width, photo.camera.height, 1);
  matte.data.set(photo.render.alpha);
  const proxy = buildClothedProxy({ body: subject.model, shape: subject.shape, pose: photo.posed.pose, camera: photo.camera, matte });
  return { proxy, iou: proxySilhouetteIoU(proxy.posed, proxy.model.triangles, photo.camera, matte.data), subject, photo };
}

const skirted = proxyOf(4); // emi: long checked skirt, long hair

test('skirted subject: the proxy reproduces the matte, its shell is closed and manifold', () => {
  assert.ok(skirted.iou >= 0.95, `silhouette IoU ${skirted.iou.toFixed(3)}`);
  const t = skirted.proxy.stats.shellTopology;
  assert.deepEqual(t, { boundaryEdges: 0, nonManifoldEdges: 0, inconsistentEdges: 0 });
  assert.ok(skirted.proxy.stats.looseFraction > 0.1, `loose (cloth) share ${skirted.proxy.stats.looseFraction}`);
  // standing, arms free of the body: nothing the canonical pose pulls apart, so no sheets
  assert.ok(skirted.proxy.stats.sheetFraction < 0.01, `sheet share ${skirted.proxy.stats.sheetFraction}`);
});

test('skirted subject: one surface spans the legs under the skirt', () => {
  const { proxy, subject, photo } = skirted;
  const names = subject.model.skeleton.names;
  const j = (n: string): number[] => { const k = names.indexOf(n); return [0, 1, 2].map((c) => photo.posed.joints[k * 3 + c]!); };
  const kl = j('calf_l'), kr = j('calf_r'), hl = j('thigh_l'), hr = j('thigh_r');
  // half-way between hips and knees, on the midline between the legs, in front of the body's centre
  const y = (hl[1]! + hr[1]! + kl[1]! + kr[1]!) / 4, x = (hl[0]! + hr[0]! + kl[0]! + kr[0]!) / 4, z = (hl[2]! + hr[2]!) / 2;
  let front = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    const px = proxy.posed[v * 3]!, py = proxy.posed[v * 3 + 1]!, pz = proxy.posed[v * 3 + 2]!;
    if (Math.abs(px - x) < 0.02 && Math.abs(py - y) < 0.03 && pz > z && proxy.material[v] === PROXY_MATERIAL.cloth) front++;
  }
  assert.ok(front > 0, 'cloth surface crosses the midline between the legs');
});

test('skirted subject: the skirt hangs from the waist — below the knees it is skinned to the pelvis and thighs, not the calves', () => {
  const { proxy, subject, photo } = skirted;
  const names = subject.model.skeleton.names, K = proxy.model.skinning.influences;
  const kneeY = photo.posed.joints[names.indexOf('calf_l') * 3 + 1]!;
  const shin = new Set(names.map((n, j) => (/calf|foot|ball|toe/.test(n) ? j : -1)).filter((j) => j >= 0));
  const thighs = new Set([names.indexOf('thigh_l'), names.indexOf('thigh_r')]);
  let n = 0, shinWeight = 0, thighWeight = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (proxy.material[v] !== PROXY_MATERIAL.cloth || proxy.posed[v * 3 + 1]! >= kneeY) continue;
    n++;
    for (let k = 0; k < K; k++) {
      const j = proxy.model.skinning.joints[v * K + k]!, w = proxy.model.skinning.weights[v * K + k]!;
      if (shin.has(j)) shinWeight += w;
      if (thighs.has(j)) thighWeight += w;
    }
  }
  // the diffused volume alone gave the long skirt's lower half 0.81 of its weight on the calves (moved like trousers)
  assert.ok(n > 1000, `skirt vertices below the knees: ${n}`);
  assert.ok(shinWeight / n < 0.1, `mean calf and foot weight ${(shinWeight / n).toFixed(3)}`);
  assert.ok(thighWeight / n <= SHAPE_CONFIG.skirtLegWeight + 0.05, `mean thigh weight ${(thighWeight / n).toFixed(3)}`);
});

test('proxy skinning weights sum to 1 and re-posing at the photo pose returns the carved surface', () => {
  const { proxy, photo } = skirted;
  const m = proxy.model, K = m.skinning.influences;
  for (let v = 0; v < m.vertexCount; v++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += m.skinning.weights[v * K + k]!;
    assert.ok(Math.abs(s - 1) < 1e-4, `vertex ${v} weights sum to ${s}`);
  }
  // the joint regressor reproduces the body's rest joints, so skinning the canonical proxy lands on the posed one
  const posed = new BodyPoser(m).forward({ shape: [], pose: photo.posed.pose });
  let maxErr = 0;
  for (let i = 0; i < posed.vertices.length; i++) maxErr = Math.max(maxErr, Math.abs(posed.vertices[i]! - proxy.posed[i]!));
  assert.ok(maxErr < 1e-3, `re-posed vs carved: ${maxErr} m`);
});

test('tight-clothed subject: the shell stays within 1 cm of the body except the hair', () => {
  const { proxy, subject, photo } = proxyOf(3); // dan: buzz cut
  const dist = new MeshDistance(Float32Array.from(photo.posed.body), subject.model.triangles);
  const d: number[] = [];
  for (let v = 0; v < proxy.stats.shellVertices; v++) {
    if (proxy.material[v] === PROXY_MATERIAL.hair) continue;
    d.push(dist.distance(proxy.posed[v * 3]!, proxy.posed[v * 3 + 1]!, proxy.posed[v * 3 + 2]!));
  }
  d.sort((a, b) => a - b);
  const p90 = d[Math.floor(d.length * 0.9)]!;
  assert.ok(p90 < 0.01, `90th percentile distance to the body ${(p90 * 100).toFixed(2)} cm`);
});

test('the proxy is deterministic', () => {
  const again = proxyOf(4).proxy;
  assert.deepEqual(Buffer.from(again.model.template.buffer), Buffer.from(skirted.proxy.model.template.buffer));
  assert.deepEqual(Buffer.from(again.model.triangles.buffer), Buffer.from(skirted.proxy.model.triangles.buffer));
});

test('long hair falls onto the back below the shoulders; a bob that stops at the jaw does not', () => {
  const hairBelowShoulders = ({ proxy, subject, photo }: ReturnType<typeof proxyOf>): number => {
    const shoulderY = photo.posed.joints[subject.model.skeleton.names.indexOf('upperarm_l') * 3 + 1]!;
    let n = 0;
    for (let v = 0; v < proxy.model.vertexCount; v++) if (proxy.material[v] === PROXY_MATERIAL.hair && proxy.posed[v * 3 + 1]! < shoulderY) n++;
    return n;
  };
  const long = hairBelowShoulders(skirted), bob = hairBelowShoulders(proxyOf(2)); // emi: long auburn hair; chloe: black bob
  assert.ok(long > 100, `emi's hair vertices below the shoulder line: ${long}`);
  assert.equal(bob, 0, `chloe's hair vertices below the shoulder line: ${bob}`);
});
