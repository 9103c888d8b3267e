import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PersonaError } from '../../src/core/errors.js';
import { createImage, type FloatImage } from '../../src/core/image.js';
import type { Perceiver, PerceiveCallOptions } from '../../src/perceive/perceiver.js';
import type { Box, Perception } from '../../src/perceive/types.js';
import { PersonTracker, boxIoU } from '../../src/capture/track.js';

/** A scripted scene: per frame, the people's boxes (person A first). The fake perceiver answers like the real one. */
function fakePerceiver(scene: Box[][]): { perceiver: Perceiver; calls: string[]; frame: { i: number } } {
  const frame = { i: 0 };
  const calls: string[] = [];
  const perceptionOf = (box: Box, people: Box[]): Perception => ({
    body: { score: 0.95, keypoints: Array.from({ length: 33 }, () => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 0.9] as [number, number, number]), world: [] },
    person: { box, heightPx: box[3] - box[1] },
    people: people.map((b) => ({ box: b, score: 0.9 })),
  }) as unknown as Perception;
  const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
  const perceiver = {
    perceive: async (_img: FloatImage, call: PerceiveCallOptions = {}) => {
      const people = [...scene[frame.i]!].sort((a, b) => area(b) - area(a)); // largest first, like MoveNet ordering
      if (call.roi) {
        calls.push('roi');
        // BlazePose on the crop finds whoever overlaps the crop most.
        const r = call.roi;
        const hit = people.map((b) => Math.max(0, Math.min(b[2], r[2]) - Math.max(b[0], r[0])) * Math.max(0, Math.min(b[3], r[3]) - Math.max(b[1], r[1])));
        const k = hit.indexOf(Math.max(...hit));
        if (!(hit[k]! > 0)) throw new PersonaError('No person found in the photo.');
        return perceptionOf(people[k]!, []);
      }
      calls.push('detect');
      if (people.length === 0) throw new PersonaError('No person found in the photo.');
      const idx = call.person ?? 0;
      if (idx >= people.length) throw new PersonaError(`--person ${idx} asked for, but only ${people.length} people were found.`);
      return perceptionOf(people[idx]!, people);
    },
  } as unknown as Perceiver;
  return { perceiver, calls, frame };
}

test('tracker keeps the person when a larger second person enters, and re-acquires the same person after losing them', async () => {
  const A = (x: number): Box => [x, 100, x + 60, 300];
  const B: Box = [300, 50, 400, 350]; // larger: "person 0" for a detector
  const scene: Box[][] = [[A(100)], [A(105)], [A(110), B], [A(115), B], [B], [A(125), B], [A(130), B]];
  const { perceiver, calls, frame } = fakePerceiver(scene);
  const tracker = new PersonTracker(perceiver, 0);
  const img = createImage(4, 4, 3);
  const seen: Array<Box | null> = [];
  for (frame.i = 0; frame.i < scene.length; frame.i++) {
    const r = await tracker.next(img);
    seen.push(r.perception ? r.perception.person.box : null);
  }
  assert.deepEqual(seen[0], A(100));
  assert.deepEqual(seen[2], A(110), 'B entering does not take over');
  assert.deepEqual(seen[3], A(115));
  assert.equal(seen[4], null, 'A hidden: lost, not swapped to B');
  assert.deepEqual(seen[5], A(125), 're-acquired A (the candidate overlapping A’s last box), not the larger B');
  assert.deepEqual(seen[6], A(130));
  assert.equal(calls[0], 'detect');
  assert.equal(calls[1], 'roi');
});

test('tracker follows --person 1 from the first frame', async () => {
  const big: Box = [0, 0, 100, 300], small: Box = [200, 100, 250, 250];
  const { perceiver, frame } = fakePerceiver([[big, small], [big, small]]);
  const tracker = new PersonTracker(perceiver, 1);
  const img = createImage(4, 4, 3);
  for (frame.i = 0; frame.i < 2; frame.i++) {
    const r = await tracker.next(img);
    assert.deepEqual(r.perception!.person.box, small);
  }
});

test('tracker started on a box (pick.ts: a person the detector missed on frame 0) follows that person, not the largest', async () => {
  const spectator: Box = [0, 0, 200, 330], dancer = (x: number): Box => [x, 40, x + 120, 320];
  const { perceiver, calls, frame } = fakePerceiver([[spectator, dancer(250)], [spectator, dancer(255)], [spectator, dancer(262)]]);
  const tracker = new PersonTracker(perceiver, 0, dancer(255)); // the dancer's box where the detector first found her
  const img = createImage(4, 4, 3);
  for (frame.i = 0; frame.i < 3; frame.i++) {
    const r = await tracker.next(img);
    assert.deepEqual(r.perception!.person.box, dancer([250, 255, 262][frame.i]!), `frame ${frame.i}`);
  }
  assert.deepEqual(calls, ['roi', 'roi', 'roi'], 'the first frame is perceived on the start box, no detection');
});

/** A perceiver scripted per frame for re-acquisition: `roi(frame, crop)` and `detect(frame)` give the person found. */
function scriptedPerceiver(roi: (f: number, crop: Box) => Box | null, detect: (f: number) => { person: Box; people: Box[] }) {
  const state = { f: 0, calls: [] as string[] };
  const perceptionOf = (box: Box, people: Box[]): Perception => ({
    body: { score: 0.95, keypoints: Array.from({ length: 33 }, () => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 0.9] as [number, number, number]), world: [] },
    person: { box, heightPx: box[3] - box[1] },
    people: people.map((b) => ({ box: b, score: 0.9 })),
  }) as unknown as Perception;
  const perceiver = {
    perceive: async (_img: FloatImage, call: PerceiveCallOptions = {}) => {
      if (call.roi) {
        state.calls.push(`roi ${state.f}`);
        const b = roi(state.f, call.roi);
        if (!b) throw new PersonaError('No person found in the photo.');
        return perceptionOf(b, []);
      }
      state.calls.push(`detect ${state.f}`);
      const d = detect(state.f);
      return perceptionOf(d.person, d.people);
    },
  } as unknown as Perceiver;
  return { perceiver, state };
}

// Partners A and B overlap; the detector boxes them together as U, and BlazePose in U's crop finds B.
const A: Box = [200, 50, 260, 350], B: Box = [230, 40, 320, 350], U: Box = [190, 30, 330, 355];
const nearest = (crop: Box): Box => (boxIoU(crop, A) >= boxIoU(crop, B) ? A : B);

test('after a jump, re-acquisition retries the last box before the detector, whose box holds both partners (lindy-hop)', async () => {
  const { perceiver, state } = scriptedPerceiver(
    (f, crop) => (f === 1 ? [240, 40, 330, 200] : nearest(crop)), // frame 1: the crop's person is someone else (IoU 0.10: jumped)
    (f) => (f === 0 ? { person: A, people: [A] } : { person: B, people: [U] }),
  );
  const tracker = new PersonTracker(perceiver, 0);
  const img = createImage(4, 4, 3);
  const seen: Array<Box | null> = [];
  const lost: Array<string | undefined> = [];
  for (state.f = 0; state.f < 3; state.f++) {
    const r = await tracker.next(img);
    seen.push(r.perception ? r.perception.person.box : null);
    lost.push(r.lost);
  }
  assert.deepEqual(lost, [undefined, 'jumped', undefined]);
  assert.deepEqual(seen[2], A, 'still A (the detector alone gave B: the old rule swapped here)');
  assert.deepEqual(state.calls, ['detect 0', 'roi 1', 'roi 2']);
});

test('after a no-person frame, re-acquisition goes straight to the detector (street-hug-walk)', async () => {
  const { perceiver, state } = scriptedPerceiver(
    (f, crop) => (f === 1 ? null : nearest(crop)),
    (f) => (f === 0 ? { person: A, people: [A] } : { person: A, people: [A] }),
  );
  const tracker = new PersonTracker(perceiver, 0);
  const img = createImage(4, 4, 3);
  for (state.f = 0; state.f < 3; state.f++) await tracker.next(img);
  assert.deepEqual(state.calls, ['detect 0', 'roi 1', 'detect 2']);
});
