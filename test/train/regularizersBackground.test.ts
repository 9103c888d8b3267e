/**
 * The regularizers computed on a background worker (startRegularizers + splat startBackgroundTask) are
 * bit-identical to addRegularizers on the calling thread: values, parameter gradients, anchor gradient.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/rng.js';
import type { AvatarModel } from '../../src/train/model.js';
import { trainConfig } from '../../src/train/config.js';
import { graphFromFaces } from '../../src/train/laplacian.js';
import { addRegularizers, startRegularizers, type RegularizerGraphs } from '../../src/train/regularizers.js';
import { shutdownRasterWorkers, startBackgroundTask } from '../../src/splat/index.js';

after(() => shutdownRasterWorkers());

/** A stand-in with the fields the regularizers read (a grid mesh of N vertices, A anchors). */
function fakeModel(seed: number) {
  const rng = new Rng(seed), side = 30, N = side * side, A = 40;
  const tris: number[] = [];
  for (let y = 0; y + 1 < side; y++) for (let x = 0; x + 1 < side; x++) { const i = y * side + x; tris.push(i, i + 1, i + side, i + 1, i + side + 1, i + side); }
  const aTris: number[] = [];
  for (let a = 0; a + 2 < A; a++) aTris.push(a, a + 1, a + 2);
  const param = (n: number, s: number) => ({ value: Float32Array.from({ length: n }, () => rng.uniform(-s, s)), grad: new Float32Array(n) });
  const model = { n: N, offset: param(3 * N, 0.01), logScale: param(N, 3), rgb: param(3 * N, 2), template: { anchorEnabled: Float32Array.from({ length: A }, (_, a) => (a % 7 === 0 ? 0 : 1)) } };
  const graphs: RegularizerGraphs = { gaussians: graphFromFaces(N, tris), anchors: graphFromFaces(A, aTris), offsetWeights: Float32Array.from({ length: N }, (_, i) => (i % 11 === 0 ? 50 : 1)) };
  const anchorOffsets = Float32Array.from({ length: 3 * A }, () => rng.uniform(-0.01, 0.01));
  return { model, graphs, anchorOffsets };
}

test('startRegularizers on a background worker equals addRegularizers bit for bit (twice: reused buffers)', () => {
  const cfg = trainConfig('test');
  for (const seed of [1, 2]) {
    const a = fakeModel(seed), b = fakeModel(seed);
    const ref = addRegularizers(a.model as unknown as AvatarModel, a.anchorOffsets, a.graphs, cfg);
    const bg = startRegularizers(b.model as unknown as AvatarModel, b.anchorOffsets, b.graphs, cfg, startBackgroundTask).finish();
    assert.deepEqual(bg.losses, ref.losses);
    assert.ok(ref.losses['lap.offset']! > 0 && ref.losses['lap.color']! > 0);
    assert.deepEqual(bg.dAnchorOffsets, ref.dAnchorOffsets);
    assert.deepEqual(b.model.offset.grad, a.model.offset.grad);
    assert.deepEqual(b.model.logScale.grad, a.model.logScale.grad);
    assert.deepEqual(b.model.rgb.grad, a.model.rgb.grad);
  }
});

test('startBackgroundTask: one at a time, failures surface on wait()', () => {
  const t = startBackgroundTask(new URL('../../src/train/regularizers.js', import.meta.url).href, 'noSuchFunction', {});
  assert.throws(() => startBackgroundTask('x', 'y', {}), /already running/);
  assert.throws(() => t.wait(), /no function noSuchFunction/);
});
