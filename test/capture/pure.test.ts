import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBodyModel } from '../../src/body/model.js';
import { bodyAnchors } from '../../src/fit/fitImage.js';
import { createImage, writePng } from '../../src/core/image.js';
import { axisAngleToQuat } from '../../src/core/rotation.js';
import { getBuiltinMotion, restSkeletonOf } from '../../src/motion/index.js';
import type { Perception } from '../../src/perceive/types.js';
import { boxIoU } from '../../src/capture/track.js';
import { fillMissingFrames, posesToMotion } from '../../src/capture/convert.js';
import { detectContacts, fillGaps, pinFeet, placeOnFloor } from '../../src/capture/contacts.js';
import { footSkating } from '../../src/capture/metrics.js';
import { worldDirectionTerm } from '../../src/capture/worldprior.js';
import { hasFfmpeg, listFrameFiles, openFrames } from '../../src/capture/frames.js';
import { findFfmpeg } from '../../src/core/ffmpeg.js';
import { tempDir } from '../helpers.js';

const body = loadBodyModel();
const rs = restSkeletonOf(body);

test('boxIoU: identical, disjoint, half overlap', () => {
  assert.equal(boxIoU([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(boxIoU([0, 0, 10, 10], [20, 20, 30, 30]), 0);
  assert.ok(Math.abs(boxIoU([0, 0, 10, 10], [5, 0, 15, 10]) - 50 / 150) < 1e-12);
});

test('fillMissingFrames: slerp between good frames, hold at the ends; fillGaps interpolates', () => {
  const J = body.skeleton.names.length;
  const pose = (angle: number, x: number) => { const r = new Float64Array(J * 3); r[1] = angle; return { rotations: r, translation: [x, 0, 0] as [number, number, number] }; };
  const m = posesToMotion([pose(0, 0), pose(0, 0), pose(0, 0), pose(1, 3), pose(0, 0)], body.skeleton.names, 30, 't');
  const missing = Uint8Array.from([1, 0, 1, 0, 1]);
  // frame 1: angle 0, x 0; frame 3: angle 1, x 3 → frame 2 halfway; frame 0 holds 1, frame 4 holds 3
  assert.equal(fillMissingFrames(m, missing), 3);
  const q = Array.from(m.rotations.subarray(2 * J * 4, 2 * J * 4 + 4));
  const want = axisAngleToQuat(0, 0.5, 0);
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(q[k]! - want[k]!) < 1e-6);
  assert.ok(Math.abs(m.rootTranslation[2 * 3]! - 1.5) < 1e-6);
  assert.equal(m.rootTranslation[0], 0);
  assert.ok(Math.abs(m.rootTranslation[4 * 3]! - 3) < 1e-6);
  const g = Float64Array.from([NaN, 1, NaN, NaN, 4, NaN]);
  fillGaps(g);
  assert.deepEqual(Array.from(g), [1, 1, 2, 3, 4, 4]);
});

test('foot pinning removes slide that noise adds to a walk, and floor placement undoes a height offset', () => {
  const walk = getBuiltinMotion('walk', rs.skeleton, rs.rest);
  const truth = { ...walk, rootTranslation: walk.rootTranslation.slice() };
  const truthContacts = detectContacts(truth, rs, { contactSpeed: 0.1, contactHeight: 0.03 });
  const n = truthContacts.reduce((a, b) => a + b, 0);
  assert.ok(n >= 20, `the walk has stance frames (${n})`);
  const noisy = { ...walk, rootTranslation: walk.rootTranslation.slice() };
  const F = noisy.frameCount;
  for (let f = 0; f < F; f++) {
    noisy.rootTranslation[f * 3] += 0.02 * Math.sin(f * 0.3);
    noisy.rootTranslation[f * 3 + 1] += 0.5; // an unknown camera height
    noisy.rootTranslation[f * 3 + 2] += 0.03 * Math.sin(f * 0.25 + 1); // slow depth drift of a monocular fit
  }
  const before = footSkating(noisy, rs, truthContacts);
  const shift = placeOnFloor(noisy, rs)!;
  assert.ok(Math.abs(shift + 0.5) < 0.03, `floor shift ${shift}`);
  const contacts = detectContacts(noisy, rs);
  pinFeet(noisy, rs, contacts);
  const after = footSkating(noisy, rs, truthContacts);
  assert.ok(before > 0.05, `noise makes the feet skate (${(100 * before).toFixed(1)} cm/s)`);
  assert.ok(after < 0.2 * before, `pinning: ${(100 * before).toFixed(1)} → ${(100 * after).toFixed(1)} cm/s`);
});

test('contacts are measured from the lower foot: a standing body that the fit moves up and down keeps both feet down, a jump lifts them', () => {
  const idle = getBuiltinMotion('idle', rs.skeleton, rs.rest);
  const F = 45, fps = 15;
  const motion = (lift: (f: number) => number) => {
    const m = { ...idle, fps, frameCount: F, rotations: new Float32Array(F * rs.skeleton.names.length * 4), rootTranslation: new Float32Array(F * 3) };
    for (let i = 0; i < m.rotations.length; i += 4) m.rotations[i] = 1; // rest pose: standing on both feet
    for (let f = 0; f < F; f++) m.rootTranslation[f * 3 + 1] = lift(f);
    return m;
  };
  // the street clip's error: the whole body dips 30 cm within a second and comes back (both feet share it)
  const dipping = motion((f) => (f >= 15 && f < 30 ? -0.3 * Math.sin(((f - 15) / 15) * Math.PI) : 0));
  placeOnFloor(dipping, rs);
  const still = new Float64Array(F * 2).fill(0.05); // image-still feet
  const c = detectContacts(dipping, rs, { imageSpeed: still });
  assert.equal(c.reduce((a, b) => a + b, 0), 2 * F, 'both feet down on every frame');
  // a jump: the body rises 35 cm for 0.4 s; the feet stand still in the image at the top
  const jumping = motion((f) => (f >= 20 && f < 26 ? 0.35 * Math.sin(((f - 19) / 7) * Math.PI) : 0));
  placeOnFloor(jumping, rs);
  const j = detectContacts(jumping, rs, { imageSpeed: still });
  const airborne = [21, 22, 23, 24].filter((f) => j[f * 2] || j[f * 2 + 1]);
  assert.deepEqual(airborne, [], 'no contact at the top of the jump');
  assert.ok(j[5 * 2] && j[40 * 2 + 1], 'feet down before and after the jump');
});

test('world direction term: energy and gradient match float64 finite differences', () => {
  const anchors = bodyAnchors(body);
  const V = body.vertexCount, J = body.skeleton.names.length;
  const rnd = (() => { let s = 7; return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5; })();
  const world: Array<[number, number, number]> = Array.from({ length: 33 }, () => [rnd(), rnd(), rnd()]);
  const p = { body: { score: 1, keypoints: Array.from({ length: 33 }, () => [0, 0, 0.9] as [number, number, number]), world } } as unknown as Perception;
  const term = worldDirectionTerm(p, anchors, 0.7)!;
  const vertices = Float64Array.from(body.template, (x) => x + 0.05 * rnd());
  const joints = body.jointPositions(vertices).map((x) => x + 0.05 * rnd());
  const gV = new Float64Array(V * 3), gJ = new Float64Array(J * 3);
  term(vertices, joints, gV, gJ);
  const h = 1e-6;
  let checked = 0;
  for (const [arr, g] of [[joints, gJ], [vertices, gV]] as const) {
    for (let i = 0; i < arr.length; i++) {
      if (g[i] === 0) continue;
      const x = arr[i]!;
      arr[i] = x + h; const ep = term(vertices, joints, new Float64Array(V * 3), new Float64Array(J * 3));
      arr[i] = x - h; const em = term(vertices, joints, new Float64Array(V * 3), new Float64Array(J * 3));
      arr[i] = x;
      const fd = (ep - em) / (2 * h);
      assert.ok(Math.abs(fd - g[i]!) < 1e-6 * Math.max(1, Math.abs(fd)), `index ${i}: analytic ${g[i]} vs fd ${fd}`);
      checked++;
    }
  }
  assert.ok(checked >= 16, `checked ${checked} coordinates`);
});

test('frame folders list in natural order; bad inputs give clear errors; ffmpeg decodes a video', async () => {
  const t = await tempDir();
  try {
    const dir = join(t.dir, 'frames');
    await mkdir(dir);
    for (const n of ['f10.png', 'f2.png', 'f1.png']) await writePng(join(dir, n), createImage(8, 8, 3, 0.5));
    await writeFile(join(dir, 'notes.txt'), 'x');
    assert.deepEqual((await listFrameFiles(dir)).map((p) => p.slice(dir.length + 1)), ['f1.png', 'f2.png', 'f10.png']);
    const src = await openFrames(dir, { fps: 12 });
    assert.equal(src.fps, 12);
    assert.equal(src.files.length, 3);
    await mkdir(join(t.dir, 'empty'));
    await assert.rejects(openFrames(join(t.dir, 'empty')), /holds no frame images/);
    await assert.rejects(openFrames(join(t.dir, 'missing')), /does not exist/);
    // ffmpeg arrives with `npm install` (src/core/ffmpeg.ts): its absence is a failure, not a skip.
    assert.ok(hasFfmpeg(), 'no ffmpeg: run `npm install` (it brings one), or set PERSONA_FFMPEG');
    {
      const video = join(t.dir, 'clip.mp4');
      const r = spawnSync(findFfmpeg()!.command, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=0.5', '-pix_fmt', 'yuv420p', video]);
      assert.equal(r.status, 0);
      const v = await openFrames(video);
      try {
        assert.equal(v.kind, 'video');
        assert.equal(v.fps, 10);
        assert.equal(v.files.length, 5);
      } finally { await v.cleanup(); }
      await writeFile(join(t.dir, 'bad.mp4'), 'not a video');
      await assert.rejects(openFrames(join(t.dir, 'bad.mp4')), /could not decode/);
    }
  } finally { await t.cleanup(); }
});
