/**
 * Perception on synthetic photos with known truth: the MakeHuman body posed and rendered
 * by the test itself (test/perceive/synth.ts). One Perceiver (models load once) serves
 * every test in this file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage, writePng } from '../../src/core/image.js';
import { PersonaError } from '../../src/core/errors.js';
import { Perceiver } from '../../src/perceive/perceiver.js';
import { tf } from '../../src/perceive/tfenv.js';
import { perceiveTarget, readPerception } from '../../src/perceive/stage.js';
import { BODY_INDEX } from '../../src/perceive/names.js';
import type { Perception } from '../../src/perceive/types.js';
import { renderSynth, SYNTH_POSES, type SynthOptions, type SynthRender, type TruthJoint, DEFAULT_LOOK } from './synth.js';

/** Largest keypoint error over the 12 major limb joints, as a fraction of `heightPx`. */
function worstJointError(p: Perception, truth: SynthRender['keypoints'], heightPx: number): { worst: number; joint: string } {
  let worst = 0, joint = '';
  for (const [name, [u, v]] of Object.entries(truth) as Array<[TruthJoint, [number, number]]>) {
    const q = p.body.keypoints[BODY_INDEX[name]]!;
    const e = Math.hypot(q[0] - u, q[1] - v) / heightPx;
    if (e > worst) (worst = e), (joint = name);
  }
  return { worst, joint };
}

function iou(mask: Float32Array, sil: Uint8Array): number {
  let inter = 0, uni = 0;
  for (let i = 0; i < sil.length; i++) {
    const a = mask[i]! >= 0.5 ? 1 : 0, b = sil[i]!;
    inter += a & b;
    uni += a | b;
  }
  return inter / uni;
}

describe('perception on synthetic people', () => {
  let perceiver: Perceiver;
  before(async () => {
    perceiver = await Perceiver.create();
  });
  after(async () => {
    await perceiver?.close();
  });

  for (const [name, pose] of Object.entries(SYNTH_POSES)) {
    test(`${name}: limb joints within 6% of body height, matte IoU ≥ 0.9, full body, facing front`, async () => {
      const r = renderSynth({ pose, look: name === 'stride' ? { shirt: [0.75, 0.2, 0.15], background: [0.6, 0.7, 0.8] } : {} });
      const p = await perceiver.perceive(r.image);
      const { worst, joint } = worstJointError(p, r.keypoints, r.heightPx);
      assert.ok(worst < 0.06, `worst joint ${joint}: ${(worst * 100).toFixed(1)}% of height`);
      assert.ok(p.body.score > 0.9);
      const m = iou(p.mask!.data, r.silhouette);
      assert.ok(m >= 0.9, `matte IoU ${m.toFixed(3)}`);
      assert.equal(p.person.peopleFound, 1);
      assert.equal(p.person.fullBodyVisible, true);
      assert.equal(p.person.facing, 'front');
      assert.deepEqual(p.person.warnings, []);
      // The person box holds the silhouette's height to within 10%.
      assert.ok(Math.abs(p.person.heightPx - r.heightPx) / r.heightPx < 0.1, `box height ${p.person.heightPx} vs ${r.heightPx}`);
      // World landmarks: metres, shoulders 0.25–0.5 m apart.
      const ls = p.body.world[BODY_INDEX.leftShoulder]!, rs = p.body.world[BODY_INDEX.rightShoulder]!;
      const sw = Math.hypot(ls[0] - rs[0], ls[1] - rs[1], ls[2] - rs[2]);
      assert.ok(sw > 0.25 && sw < 0.5, `shoulder width ${sw} m`);
      assert.ok(p.face !== null && p.face.mesh.length >= 468, 'the painted face is found');
      // Both hands, placed by the pose: the hand model's wrist lands on the true wrist.
      for (const side of ['left', 'right'] as const) {
        const h = p.hands[side];
        assert.ok(h !== null, `${side} hand found`);
        const truth = r.keypoints[`${side}Wrist`];
        const e = Math.hypot(h.keypoints[0]![0] - truth[0], h.keypoints[0]![1] - truth[1]) / r.heightPx;
        assert.ok(e < 0.03, `${side} hand wrist off by ${(e * 100).toFixed(1)}% of height`);
        assert.equal(h.keypoints.length, 21);
      }
      if (name === 'stride') assert.ok(p.person.facingYawDeg > 5 && p.person.facingYawDeg < 40, `yaw ${p.person.facingYawDeg} (truth 20°)`);
    });
  }

  test('facing: a side view is "side" and a back view is "back" (world-landmark yaw)', async () => {
    const side = await perceiver.perceive(renderSynth({ pose: { yaw: Math.PI / 2 } }).image);
    assert.equal(side.person.facing, 'side');
    assert.ok(side.person.facingYawDeg > 50 && side.person.facingYawDeg < 130, `side yaw ${side.person.facingYawDeg}`);
    const back = await perceiver.perceive(renderSynth({ pose: { yaw: Math.PI } }).image);
    assert.equal(back.person.facing, 'back');
    assert.equal(back.face, null, 'no face mesh on the back of the head');
  });

  test('a tiny person (< 200 px tall) is found and warned about', async () => {
    const r = renderSynth({ distance: 8, width: 384, height: 576, pose: SYNTH_POSES.apose });
    assert.ok(r.heightPx < 200, `render height ${r.heightPx}`);
    const p = await perceiver.perceive(r.image);
    assert.ok(p.person.warnings.some((w) => /px tall/.test(w)), p.person.warnings.join(' | '));
    assert.ok(worstJointError(p, r.keypoints, r.heightPx).worst < 0.1);
  });

  test('an empty background gives a clear "no person" error', async () => {
    const empty = createImage(384, 576, 3, DEFAULT_LOOK.background);
    await assert.rejects(perceiver.perceive(empty), (err: unknown) => {
      assert.ok(err instanceof PersonaError);
      assert.match(err.message, /No person found/);
      assert.ok(err.hint && err.hint.length > 10);
      return true;
    });
  });

  test('two people: the largest is used with a warning; --person 1 picks the other; --person 5 is a usage error', async () => {
    const near = renderSynth({ width: 640, height: 576, offsetX: -0.55, pose: SYNTH_POSES.apose });
    const farOptions: SynthOptions = { width: 640, height: 576, offsetX: 0.9, offsetZ: -2.5, pose: SYNTH_POSES.wave, look: { shirt: [0.2, 0.6, 0.25] } };
    const farAlone = renderSynth(farOptions);
    const both = renderSynth(farOptions, { image: near.image, depth: near.depth, silhouette: new Uint8Array(near.silhouette.length) });
    const p0 = await perceiver.perceive(both.image);
    assert.equal(p0.person.peopleFound, 2);
    // The far person reaches into the near person's crop, but not into their matte.
    let farInCrop = 0, matteOnFar = 0;
    for (let y = 0; y < 576; y++)
      for (let x = 0; x < 640; x++) {
        const i = y * 640 + x;
        if (!farAlone.silhouette[i] || near.silhouette[i]) continue;
        if (x >= p0.crop[0] && x < p0.crop[2] && y >= p0.crop[1] && y < p0.crop[3]) farInCrop++;
        if (p0.mask!.data[i]! >= 0.5) matteOnFar++;
      }
    assert.ok(farInCrop > 300, `far person pixels inside the crop: ${farInCrop}`);
    assert.equal(matteOnFar, 0);
    assert.ok(p0.person.warnings.some((w) => /2 people found/.test(w)));
    assert.ok(worstJointError(p0, near.keypoints, near.heightPx).worst < 0.06, 'person 0 is the near (larger) one');
    const p1 = await perceiver.perceive(both.image, { person: 1 });
    const farHeight = both.keypoints.leftAnkle[1] - both.keypoints.leftShoulder[1];
    const e1 = worstJointError(p1, both.keypoints, farHeight / 0.7);
    assert.ok(e1.worst < 0.06, `far person ${e1.joint} ${(e1.worst * 100).toFixed(1)}%`);
    await assert.rejects(perceiver.perceive(both.image, { person: 5 }), /--person 5 asked for, but only 2 people/);
  });

  test('half body: warned (full-body results will be poor), or refused with strict', async () => {
    const r = renderSynth({ distance: 1.5, targetY: 0.35, pose: SYNTH_POSES.apose });
    const p = await perceiver.perceive(r.image);
    assert.equal(p.person.fullBodyVisible, false);
    assert.equal(p.person.feetVisible, false);
    assert.ok(p.person.truncated.bottom);
    assert.ok(p.person.warnings.some((w) => /full-body results will be poor/.test(w)));
    await assert.rejects(perceiver.perceive(r.image, { strict: true }), /not fully visible/);
  });

  test('a crop hint (the previous frame\'s person box) skips people detection and gives the same keypoints', async () => {
    const r = renderSynth({ pose: SYNTH_POSES.wave });
    const tensorsBefore = tf().memory().numTensors;
    const first = await perceiver.perceive(r.image);
    const second = await perceiver.perceive(r.image, { roi: first.person.box });
    assert.equal(second.person.peopleFound, null);
    for (const name of ['leftShoulder', 'rightWrist', 'leftKnee', 'rightAnkle'] as const) {
      const a = first.body.keypoints[BODY_INDEX[name]]!, b = second.body.keypoints[BODY_INDEX[name]]!;
      assert.ok(Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.01 * r.heightPx, name);
    }
    // Chained over frames, the hint does not grow: the crop stays the same.
    const third = await perceiver.perceive(r.image, { roi: second.person.box });
    const size = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);
    assert.ok(Math.abs(size(third.crop) / size(second.crop) - 1) < 0.05, `crop ${second.crop} → ${third.crop}`);
    // Per-frame use must not leak tensors.
    assert.equal(tf().memory().numTensors, tensorsBefore);
  });

  test('the stage: a photo is ingested and perceived into a subject folder, and a rerun is skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'persona-perceive-'));
    try {
      const r = renderSynth({ pose: SYNTH_POSES.stride });
      const photo = join(dir, 'photo.png');
      await writePng(photo, r.image);
      const subject = join(dir, 'subject');
      const first = await perceiveTarget(photo, subject, { perceiver });
      assert.equal(first.ran, true);
      for (const f of ['keypoints.json', 'mask.png', 'overlay.png']) assert.ok(existsSync(join(subject, 'perception', f)), f);
      const json = JSON.parse(await readFile(join(subject, 'perception', 'keypoints.json'), 'utf8'));
      assert.equal(json.format, 'persona-perception');
      assert.equal(json.body.keypoints.length, 33);
      assert.equal(json.mask, undefined, 'the matte is a PNG, not JSON');
      const manifest = JSON.parse(await readFile(join(subject, 'manifest.json'), 'utf8'));
      assert.equal(manifest.stages.perceive.status, 'done');
      const again = await perceiveTarget(subject, undefined, { perceiver });
      assert.equal(again.ran, false);
      const back = await readPerception(subject);
      assert.equal(back.mask!.width, r.image.width);
      assert.ok(iou(back.mask!.data, r.silhouette) >= 0.9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
