import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box, PersonCandidate } from '../../src/perceive/types.js';
import { choosePerson, type PickDetections } from '../../src/capture/pick.js';

const H = 360, FPS = 12, N = 12;
const area = (b: Box): number => (b[2] - b[0]) * (b[3] - b[1]);

/** A MoveNet-like candidate: 17 keypoints spread over the box, the first `seen` of them confident. */
function candidate(box: Box, seen: number, phase = 0): PersonCandidate {
  const keypoints = Array.from({ length: 17 }, (_, k): [number, number, number] => [
    box[0] + ((k % 3) / 2) * (box[2] - box[0]) + 8 * Math.sin(phase + k),
    box[1] + (k / 16) * (box[3] - box[1]),
    k < seen ? 0.6 : 0.1,
  ]);
  return { box, score: 0.4, keypoints };
}

/** The detector's output: candidates sorted largest first, as people.ts returns them. */
const frame = (...cs: PersonCandidate[]): PickDetections => [...cs].sort((a, b) => area(b.box) - area(a.box));

test('a complete moving person in the centre beats a larger, static, partial person at the frame edge (the old rule took the largest)', () => {
  // Edge: 140×340 px, half out of the frame, 7 of 17 keypoints seen, still. Centre: 130×270 px, all keypoints, moving.
  const edge: Box = [0, 20, 140, 360];
  const centre = (f: number): Box => [250 + 4 * f, 60, 380 + 4 * f, 330];
  const frames = Array.from({ length: N }, (_, f) => frame(candidate(edge, 7), candidate(centre(f), 17, f)));
  assert.equal(frames[0]![0]!.box, edge, 'the edge person is the largest on frame 0: the old rule (person 0) follows them');
  const pick = choosePerson(frames, H, FPS);
  assert.equal(pick.person, 1, 'the new rule follows the centre person (frame 0 candidate 1)');
  assert.deepEqual(pick.box, centre(0));
  const [e, c] = [pick.tracks.find((t) => t.firstBox === edge)!, pick.tracks[pick.chosen]!];
  assert.ok(c.score > 1.5 * e.score, `visible body: centre ${c.score.toFixed(2)}, edge ${e.score.toFixed(2)}`);
});

test('a person the detector misses on frame 0 is followed from the box where it first finds them (dance-twirl)', () => {
  const spectator: Box = [86, 78, 165, 211];
  const dancer = (f: number): Box => [255 - 2 * f, 46, 392 - 2 * f, 324];
  // Frame 0: only the spectator; then the dancer on most frames, the spectator on few (as measured on the clip).
  const frames = Array.from({ length: N }, (_, f) => {
    const cs: PersonCandidate[] = [];
    if (f > 0 && f !== 9) cs.push(candidate(dancer(f), 15, f));
    if (f === 0 || f === 1 || f === 7) cs.push(candidate(spectator, 16));
    return frame(...cs);
  });
  const pick = choosePerson(frames, H, FPS);
  assert.equal(pick.person, null, 'not on frame 0');
  assert.deepEqual(pick.box, dancer(1));
  assert.equal(pick.tracks[pick.chosen]!.seen, 10, 'the dancer track survives the missed frame 9');
});

test('the first frame\'s largest person is kept when it is the subject; one person or none gives person 0', () => {
  // A walker seen throughout beats a smaller person crossing behind on part of the window (street-hug-walk).
  const walker = (f: number): Box => [289 - 3 * f, 28, 366 - 3 * f, 205];
  const passer = (f: number): Box => [217 + 6 * f, 83, 274 + 6 * f, 208];
  const frames = Array.from({ length: 15 }, (_, f) => frame(...[candidate(walker(f), 14, f), ...(f >= 4 ? [candidate(passer(f), 17, f)] : [])]));
  assert.equal(choosePerson(frames, H, 15).person, 0);
  assert.equal(choosePerson([frame(candidate(walker(0), 17))], H, FPS).person, 0);
  const none = choosePerson([frame(), frame()], H, FPS);
  assert.equal(none.person, 0);
  assert.equal(none.box, null);
});
