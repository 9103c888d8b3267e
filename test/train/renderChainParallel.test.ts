/**
 * `parallelRenders` on AvatarModel.forward and .backward (the refined render's LBS / normals / feature chain on a
 * splat pool worker while the calling thread runs the base render's, renderChain.ts) against the serial path:
 * the renders and every parameter gradient must be equal bit for bit, on photo and generated frames.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { AvatarModel, CHANNELS } from '../../src/train/model.js';
import { trainConfig } from '../../src/train/config.js';
import { frameLosses } from '../../src/train/step.js';
import { Rng } from '../../src/core/rng.js';
import { shutdownRasterWorkers } from '../../src/splat/index.js';
import { syntheticFrames, stripedTexture } from './fixture.js';

after(() => shutdownRasterWorkers());

const frames = syntheticFrames(2, 48, 72);
const cfg = trainConfig('test');
const model = new AvatarModel(buildGaussianTemplate(loadBodyModel(), { shape: [], levels: 0, texture: stripedTexture() }), cfg.avatar, 3);
// non-trivial pose offsets (so the refined render and the spread to the anchors matter) and varied aux colours
const rng = new Rng(5);
for (let i = 0; i < model.triplane.planes.length; i++) model.triplane.planes[i] = rng.uniform(-0.5, 0.5);
for (let i = 0; i < model.rgb.value.length; i++) model.aux.value[i] = model.rgb.value[i]! + 0.3 * Math.sin(i);
const dAnchorOffsets = Float32Array.from({ length: model.template.anchorCount * 3 }, () => 1e-3 * rng.normal());

/** Every parameter's gradient after one forward + losses + backward, and the renders. */
function step(frameIndex: number, parallel: boolean): { grads: Map<string, Float32Array | Float64Array>; images: Float32Array[] } {
  const frame = frames[frameIndex]!;
  model.zeroGrad();
  const fwd = model.forward(frame.pose, frame.camera, { parallelRenders: parallel });
  const { dBase, dRefined } = frameLosses(fwd, frame, cfg, { geometryWeighting: true, parallelRenders: true });
  model.backward(fwd, dBase, dRefined, { dAnchorOffsets, parallelRenders: parallel });
  const grads = new Map<string, Float32Array | Float64Array>();
  for (const g of model.paramGroups()) for (const p of g.params) grads.set(`${g.group}/${p.name}`, p.grad.slice());
  return { grads, images: [fwd.base, fwd.refined].flatMap((r) => [r.result.image.slice(), r.result.alpha.slice(), r.means.slice(), r.normals.normals.slice()]) };
}

/** Bit-for-bit equality (NaN and signed zeros included). */
function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array, what: string): void {
  assert.equal(a.constructor, b.constructor, what);
  assert.equal(a.length, b.length, what);
  const w = a.BYTES_PER_ELEMENT;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) assert.fail(`${what}[${(i / w) | 0}]: ${a[(i / w) | 0]} vs ${b[(i / w) | 0]}`);
}

test('parallel render chains give the serial renders and parameter gradients bit for bit (photo and generated frames)', () => {
  // a photo frame gives the aux colours no gradient (the boundary term only pulls the main colours to them)
  const nonZero = new Map<string, number>();
  for (const frameIndex of [0, 1]) {
    const serial = step(frameIndex, false);
    const parallel = step(frameIndex, true);
    serial.images.forEach((img, k) => sameBits(parallel.images[k]!, img, `frame ${frameIndex} render array ${k}`));
    assert.ok(serial.grads.size >= 6);
    for (const [name, g] of serial.grads) {
      for (const v of g) if (v !== 0) nonZero.set(name, (nonZero.get(name) ?? 0) + 1);
      sameBits(parallel.grads.get(name)!, g, `frame ${frameIndex} ${name}`);
    }
  }
  for (const name of step(1, false).grads.keys()) assert.ok((nonZero.get(name) ?? 0) > 0, `${name}: gradient is all zero`);
});

test('parallel backwardFromGaussians with caller-owned (unshared) gradients: same parameter gradients and means gradients', () => {
  const frame = frames[1]!, N = model.n, C = CHANNELS.count;
  const fwd = model.forward(frame.pose, frame.camera, { parallelRenders: true });
  const r = new Rng(9);
  const gM = [0, 1].map(() => Float32Array.from({ length: N * 3 }, () => r.normal()));
  const gF = [0, 1].map(() => Float32Array.from({ length: N * C }, () => r.normal()));
  const gS = [0, 1].map(() => Float32Array.from({ length: N }, () => r.normal()));
  const run = (parallel: boolean) => {
    model.zeroGrad();
    const gb = { means: gM[0]!.slice(), features: gF[0]!, scales: gS[0]! }, gr = { means: gM[1]!.slice(), features: gF[1]!, scales: gS[1]! };
    model.backwardFromGaussians(fwd, gb, gr, { parallelRenders: parallel });
    return { params: model.params().map((p) => p.grad.slice()), means: [gb.means, gr.means] };
  };
  const serial = run(false), parallel = run(true);
  serial.params.forEach((g, k) => sameBits(parallel.params[k]!, g, `param ${model.params()[k]!.name}`));
  serial.means.forEach((g, k) => sameBits(parallel.means[k]!, g, `means gradient of render ${k}`));
});
