/**
 * The proxy's vertex colours around the hands: on the synthetic long-skirted subject (emi, hands resting at the sides
 * of the skirt) the skirt near a hand must take the skirt's colours, not the hand's skin. A real fit is a little off:
 * here both upper arms are turned 6° towards the body, so the fitted hands sink into the skirt (the hands' parts of the
 * proxy claim skirt surface) and the photo's hands no longer lie exactly over the fitted ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSubject } from '../../src/bench/subjects.js';
import { createImage } from '../../src/core/image.js';
import { projectPoint } from '../../src/core/camera.js';
import { BodyPoser, PART_INDEX, type BodyPose } from '../../src/body/index.js';
import { buildClothedProxy, proxyColors, refillFromNearest, renderProxy, COLOUR_SOURCE, PROXY_MATERIAL } from '../../src/shape/index.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { sampleTexture } from '../../src/render/index.js';
import { vertexNeighbours } from '../../src/shape/meshOps.js';
import { signedDistance } from '../../src/shape/edt.js';
import { MATERIALS } from '../../src/bench/appearance.js';
import { unwrapTexture } from '../../src/texture/unwrap.js';

const subject = makeSubject(4, { textureSize: 256 });
const photo = subject.photo();
const matte = createImage(photo.camera.width, photo.camera.height, 1);
matte.data.set(photo.render.alpha);
const body = subject.model;
const pose: BodyPose = { rotations: Float64Array.from(photo.posed.pose.rotations), translation: photo.posed.pose.translation };
for (const [joint, sign] of [['upperarm_l', 1], ['upperarm_r', -1]] as const) pose.rotations[body.skeleton.names.indexOf(joint) * 3 + 2] += (-sign * 6 * Math.PI) / 180;
const posedBody = Float32Array.from(new BodyPoser(body).forward({ shape: subject.shape, pose }).vertices);
const proxy = buildClothedProxy({ body, shape: subject.shape, pose, camera: photo.camera, matte });
const hands = new Set([PART_INDEX.leftHand, PART_INDEX.rightHand]);
// the body texture as the texture stage makes it: unwrapped from the photo through the fit
const unwrapped = unwrapTexture({
  posedVertices: posedBody, triangles: body.triangles, cornerUvs: body.cornerUvs, partLabels: body.partLabels,
  camera: photo.camera, photo: photo.render.image, matte: matte.data, size: 256,
});
const texture = unwrapped.texture;

/** The true skin colour: the photo at the true hands' vertices. */
function handSkin(): number[] {
  const sum = [0, 0, 0], bp = photo.posed.body, W = photo.camera.width;
  let n = 0;
  for (let b = 0; b < body.vertexCount; b++) {
    if (!hands.has(body.partLabels[b]!)) continue;
    const q = projectPoint(photo.camera, bp[b * 3]!, bp[b * 3 + 1]!, bp[b * 3 + 2]!);
    const p = (Math.floor(q.v) * W + Math.floor(q.u)) * 3;
    for (let c = 0; c < 3; c++) sum[c]! += photo.render.image.data[p + c]!;
    n++;
  }
  return sum.map((s) => s / n);
}

/** Clothing vertices within 6 cm of the fitted body's hands whose colour lies within 0.15 (RGB distance) of the skin. */
function skinColouredClothNearHands(colors: Float32Array): { near: number; skinLike: number } {
  const skin = handSkin();
  const handPts: number[] = [];
  for (let b = 0; b < body.vertexCount; b++) if (hands.has(body.partLabels[b]!)) handPts.push(b);
  const bp = posedBody;
  let near = 0, skinLike = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (proxy.material[v] !== PROXY_MATERIAL.cloth) continue;
    const x = proxy.posed[v * 3]!, y = proxy.posed[v * 3 + 1]!, z = proxy.posed[v * 3 + 2]!;
    if (!handPts.some((b) => Math.hypot(bp[b * 3]! - x, bp[b * 3 + 1]! - y, bp[b * 3 + 2]! - z) < 0.06)) continue;
    near++;
    if (Math.hypot(colors[v * 3]! - skin[0]!, colors[v * 3 + 1]! - skin[1]!, colors[v * 3 + 2]! - skin[2]!) < 0.15) skinLike++;
  }
  return { near, skinLike };
}

test('skirt beside the hands takes the skirt colours, not the hand skin', () => {
  const plain = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera);
  const fitted = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera, { posedBody, skinTone: unwrapped.skin });
  const a = skinColouredClothNearHands(fitted.colors);
  assert.ok(a.near > 300, `clothing near the fitted hands: ${a.near} vertices`);
  assert.ok(fitted.handPrints + fitted.clothOnHands + fitted.armOccluded > 20, `refilled: ${JSON.stringify(fitted)}`.slice(0, 200));
  assert.ok(a.skinLike <= 0.05 * a.near, `${a.skinLike} of ${a.near} clothing vertices near the hands stay skin-coloured`);
  // besides clothing, only surface hidden behind the fitted arms changes; the template's hands and face never do (the unseen
  // surface changes everywhere: with the posed body it samples the texture at the body's nearest surface point)
  let changedTemplate = 0, changedOther = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (plain.source[v] === COLOUR_SOURCE.bodyTexture) continue;
    if (![0, 1, 2].some((c) => plain.colors[v * 3 + c] !== fitted.colors[v * 3 + c])) continue;
    if (proxy.material[v] === PROXY_MATERIAL.template) changedTemplate++;
    else if (proxy.material[v] !== PROXY_MATERIAL.cloth) changedOther++;
  }
  assert.equal(changedTemplate, 0, 'template hands and face keep their colours');
  assert.ok(changedOther <= fitted.armOccluded, `${changedOther} skin/hair vertices changed, ${fitted.armOccluded} hidden behind the arms`);
});

test('the seen shell shows the photo at its own resolution: renders and Gaussians sample the photo, not the vertex colours', () => {
  // emi's checkered skirt has squares of a few pixels; the shell's vertices lie 2.5 cm (~9 px) apart, so their colours alone
  // blur the checks away
  const c = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera, { posedBody, skinTone: unwrapped.skin });
  const V = proxy.model.vertexCount, T = proxy.model.triangles, W = photo.camera.width, H = photo.camera.height;
  let seen = 0;
  for (let v = 0; v < V; v++) {
    const has = c.photoUv[v * 2] === c.photoUv[v * 2];
    assert.equal(has, c.source[v] === COLOUR_SOURCE.photo, `vertex ${v}: photo coordinates exactly where the colour is the photo's`);
    if (has) seen++;
  }
  assert.ok(seen > 0.2 * V, `photo-coloured vertices: ${seen} of ${V}`);
  const ph = { photo: { image: photo.render.image, uv: c.photoUv } };
  const plain = renderProxy(proxy, proxy.posed, c.colors, texture, photo.camera, { background: [1, 1, 1] });
  const sharp = renderProxy(proxy, proxy.posed, c.colors, texture, photo.camera, { background: [1, 1, 1] }, ph);
  // pixels on shell triangles whose three corners the photo coloured: mean absolute error against the photo
  let n = 0, errPlain = 0, errSharp = 0;
  for (let p = 0; p < W * H; p++) {
    const f = plain.raster.triangleId[p]!;
    if (f < 0 || proxy.templateTriangles[f] || ![0, 1, 2].every((k) => c.photoUv[T[f * 3 + k]! * 2] === c.photoUv[T[f * 3 + k]! * 2])) continue;
    n++;
    for (let ch = 0; ch < 3; ch++) {
      const truth = photo.render.image.data[p * 3 + ch]!;
      errPlain += Math.abs(plain.image.data[p * 3 + ch]! - truth) / 3;
      errSharp += Math.abs(sharp.image.data[p * 3 + ch]! - truth) / 3;
    }
  }
  assert.ok(n > 20000, `pixels on fully seen triangles: ${n}`);
  assert.ok(errSharp / n < 0.5 * (errPlain / n) && errSharp / n < 0.03, `mean error against the photo: vertex colours ${(errPlain / n).toFixed(4)}, photo ${(errSharp / n).toFixed(4)}`);
  assert.ok(sharp.image.data.every((x) => Number.isFinite(x)), 'unseen corners (NaN coordinates) never reach the image');
  // without seen vertices the photo changes nothing
  const none = renderProxy(proxy, proxy.posed, c.colors, texture, photo.camera, { background: [1, 1, 1] }, { photo: { image: photo.render.image, uv: new Float32Array(V * 2).fill(NaN) } });
  assert.deepEqual(none.image.data, plain.image.data);
  // the Gaussian template (one subdivision, as at `fast`): each Gaussian between seen vertices takes the photo at its own place
  const tmplPlain = buildGaussianTemplate(proxy.model, { shape: [], levels: 1, texture, vertexColors: c.colors, texturedTriangles: proxy.templateTriangles });
  const tmplSharp = buildGaussianTemplate(proxy.model, { shape: [], levels: 1, texture, vertexColors: c.colors, texturedTriangles: proxy.templateTriangles, detail: ph });
  const A = tmplSharp.anchorsPerGaussian, rgb = [0, 0, 0];
  let m = 0, gPlain = 0, gSharp = 0;
  for (let g = 0; g < tmplSharp.count; g++) {
    // the Gaussian's place in the photo: its anchors' photo-pose positions by their weights, projected
    const at = [0, 0, 0];
    let all = true;
    for (let k = 0; k < A; k++) {
      const a = tmplSharp.gaussianAnchors[g * A + k]!, w = tmplSharp.gaussianAnchorWeights[g * A + k]!;
      if (w === 0) continue;
      if (c.photoUv[a * 2] !== c.photoUv[a * 2] || proxy.material[a] === PROXY_MATERIAL.template) all = false;
      for (let d = 0; d < 3; d++) at[d]! += w * proxy.posed[a * 3 + d]!;
    }
    if (!all) continue;
    const q = projectPoint(photo.camera, at[0]!, at[1]!, at[2]!);
    sampleTexture(photo.render.image, q.u / W, 1 - q.v / H, rgb);
    m++;
    for (let ch = 0; ch < 3; ch++) {
      gPlain += Math.abs(tmplPlain.colors[g * 3 + ch]! - rgb[ch]!) / 3;
      gSharp += Math.abs(tmplSharp.colors[g * 3 + ch]! - rgb[ch]!) / 3;
    }
  }
  assert.ok(m > 10000, `Gaussians between seen vertices: ${m}`);
  assert.ok(gSharp / m < 0.5 * (gPlain / m), `Gaussians' mean error against the photo at their place: vertex colours ${(gPlain / m).toFixed(4)}, photo ${(gSharp / m).toFixed(4)}`);
});

test('the unseen shell samples the texture at the body\'s nearest surface point: no flat patches where shell vertices share a body vertex', () => {
  const withSurface = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera, { posedBody, skinTone: unwrapped.skin });
  const byVertex = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera);
  // shell edges between two texture-coloured vertices: how many have both ends at the very same UV (one texel: a flat patch)
  const T = proxy.model.triangles;
  const flatShare = (uv: Float32Array): { edges: number; flat: number } => {
    let edges = 0, flat = 0;
    for (let f = 0; f < T.length / 3; f++) {
      if (proxy.templateTriangles[f]) continue;
      for (let k = 0; k < 3; k++) {
        const a = T[f * 3 + k]!, b = T[f * 3 + ((k + 1) % 3)]!;
        if (uv[a * 2] !== uv[a * 2] || uv[b * 2] !== uv[b * 2]) continue;
        edges++;
        if (uv[a * 2] === uv[b * 2] && uv[a * 2 + 1] === uv[b * 2 + 1]) flat++;
      }
    }
    return { edges, flat };
  };
  const s = flatShare(withSurface.textureUv), n = flatShare(byVertex.textureUv);
  assert.ok(s.edges > 5000 && n.edges > 5000, `texture-coloured shell edges: ${s.edges}, ${n.edges}`);
  // measured: 49 % by the nearest vertex, 6 % by the nearest surface point (where it is a vertex or an edge of a convex bulge)
  assert.ok(n.flat > 0.3 * n.edges, `nearest vertex: ${n.flat} of ${n.edges} edges on one texel`);
  assert.ok(s.flat < 0.1 * s.edges, `nearest surface point: ${s.flat} of ${s.edges} edges on one texel`);
});

test('refillFromNearest: marked vertices copy the nearest donor, then smooth among themselves', () => {
  // a strip of 5 vertices along x (two triangles per cell); vertices 0 and 4 are donors (red, blue), 1–3 marked
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 0, 1, 0, 1, 1, 0, 2, 1, 0, 3, 1, 0, 4, 1, 0]);
  const triangles = new Uint32Array([0, 1, 5, 1, 6, 5, 1, 2, 6, 2, 7, 6, 2, 3, 7, 3, 8, 7, 3, 4, 8, 4, 9, 8]);
  const colors = new Float32Array(30);
  const red = [1, 0, 0], blue = [0, 0, 1];
  for (const v of [0, 5]) colors.set(red, v * 3);
  for (const v of [4, 9]) colors.set(blue, v * 3);
  const marked = new Uint8Array(10);
  for (const v of [1, 2, 3, 6, 7, 8]) marked[v] = 1;
  const donor = (v: number): boolean => !marked[v];
  const nearestOnly = Float32Array.from(colors);
  refillFromNearest(nearestOnly, marked, positions, donor, vertexNeighbours(10, triangles), 0);
  assert.deepEqual([...nearestOnly.subarray(3, 6)], red, 'vertex 1 copies its nearest donor (0)');
  assert.deepEqual([...nearestOnly.subarray(9, 12)], blue, 'vertex 3 copies its nearest donor (4)');
  const smoothed = Float32Array.from(colors);
  refillFromNearest(smoothed, marked, positions, donor, vertexNeighbours(10, triangles), 20);
  // the middle blends both ends; donors never change
  assert.ok(smoothed[2 * 3]! > 0.2 && smoothed[2 * 3 + 2]! > 0.2, `vertex 2 mixes red and blue: ${[...smoothed.subarray(6, 9)]}`);
  assert.deepEqual([...smoothed.subarray(0, 3)], red);
  assert.deepEqual([...smoothed.subarray(12, 15)], blue);
});

test('hair the photo cannot see (the prior\'s layer on the back) takes the photo\'s hair colour, not the top\'s', () => {
  // emi: long auburn hair over a teal top; the proxy's hair behind the shoulders is unseen from the front, and its nearest
  // body vertices are on the back, whose unwrapped texel is the top's colour
  const c = proxyColors(proxy, body, texture, photo.render.image, matte.data, photo.camera, { posedBody, skinTone: unwrapped.skin });
  assert.ok(c.hairUnseen > 50, `unseen hair vertices refilled: ${c.hairUnseen}`);
  const top = (subject.spec.appearance.top.pattern as { base: readonly number[] }).base;
  const { n, nearHair } = backHairNearer(c.colors, top);
  assert.ok(n > 30, `hair vertices on the back: ${n}`);
  assert.ok(nearHair >= 0.9 * n, `${nearHair} of ${n} back-hair vertices are nearer the hair colour than the top's`);
});

test('unseen hair does not take the background that shows through the hair\'s outline', () => {
  // a hair volume's outline lets the backdrop through its strands: here emi's hair pixels within 2.5 cm of the matte's
  // outline are painted magenta (woman-print-dress's afro on a pink backdrop); the back's hair must keep the hair's colour
  const hairMaterial = MATERIALS.indexOf('hair');
  const W = photo.camera.width, H = photo.camera.height;
  const inside = new Uint8Array(W * H);
  for (let p = 0; p < W * H; p++) inside[p] = matte.data[p]! >= 0.5 ? 1 : 0;
  const outline = signedDistance(inside, [W, H]);
  const headDepth = projectPoint(photo.camera, ...jointPosition('head')).depth;
  const band = (0.025 * photo.camera.fx) / headDepth;
  const fringed = createImage(W, H, 3);
  fringed.data.set(photo.render.image.data);
  const magenta = [0.85, 0.25, 0.55];
  let painted = 0;
  for (let p = 0; p < W * H; p++)
    if (photo.render.materialLabels[p] === hairMaterial && inside[p] && -outline[p]! < band) { fringed.data.set(magenta, p * 3); painted++; }
  assert.ok(painted > 200, `hair outline pixels painted: ${painted}`);
  const c = proxyColors(proxy, body, texture, fringed, matte.data, photo.camera, { posedBody, skinTone: unwrapped.skin });
  const { n, nearHair } = backHairNearer(c.colors, magenta);
  assert.ok(n > 30, `hair vertices on the back: ${n}`);
  assert.ok(nearHair >= 0.9 * n, `${nearHair} of ${n} back-hair vertices are nearer the hair colour than the backdrop's`);
});

/** The hair layer on the back (hair vertices below the shoulder line, behind the neck): how many, and how many of them are
 * coloured nearer the true hair colour than `other`. */
function backHairNearer(colors: Float32Array, other: readonly number[]): { n: number; nearHair: number } {
  const hairTrue = subject.spec.appearance.hair;
  const shoulderY = jointPosition('upperarm_l')[1], neckZ = jointPosition('neck')[2];
  let n = 0, nearHair = 0;
  for (let v = 0; v < proxy.model.vertexCount; v++) {
    if (proxy.material[v] !== PROXY_MATERIAL.hair || proxy.posed[v * 3 + 1]! > shoulderY || proxy.posed[v * 3 + 2]! > neckZ - 0.05) continue;
    n++;
    const d = (rgb: readonly number[]): number => Math.hypot(colors[v * 3]! - rgb[0]!, colors[v * 3 + 1]! - rgb[1]!, colors[v * 3 + 2]! - rgb[2]!);
    if (d(hairTrue) < d(other)) nearHair++;
  }
  return { n, nearHair };
}

function jointPosition(name: string): [number, number, number] {
  const j = body.skeleton.names.indexOf(name) * 3, J = photo.posed.joints;
  return [J[j]!, J[j + 1]!, J[j + 2]!];
}
