/**
 * A "talking" clip: the builtin `idle` motion with expression channels (visemes, blinks, a smile at the end),
 * written as persona-motion JSON (default examples/talking.json), and, given an avatar, a head close-up GIF
 * of it: `node dist/scripts/talking.js [motion.json] [<subject-or-avatar-dir> out.gif]`.
 */
import { writeMotionJson } from '../src/motion/io.js';
import { getBuiltinMotion } from '../src/motion/builtin.js';
import { restSkeletonOf } from '../src/motion/body.js';
import { loadBodyModel } from '../src/body/model.js';
import { loadAvatar } from '../src/avatar/bundle.js';
import { hasExpression } from '../src/avatar/expression.js';
import { attachExpressionBasis } from '../src/avatar/attachExpression.js';
import { loadSubjectProxy, proxyWithExpression } from '../src/shape/index.js';
import { AvatarRenderer } from '../src/animate/renderer.js';
import { bindMotion, samplePose } from '../src/animate/poses.js';
import { openSink } from '../src/animate/sinks.js';
import { lookAtCamera } from '../src/core/camera.js';
import { restPose } from '../src/export/cloud.js';
import { PART_INDEX } from '../src/body/types.js';
import { loadMotion } from '../src/motion/load.js';
import { avatarRestSkeleton } from '../src/animate/poses.js';

const jsonPath = process.argv[2] ?? 'examples/talking.json';
const body = loadBodyModel();
const rs = restSkeletonOf(body);
const idle = getBuiltinMotion('idle', rs.skeleton, rs.rest);
const FPS = idle.fps, F = Math.min(idle.frameCount, Math.round(4 * FPS));
// "hello, how are you": a viseme every ~0.18 s, each rising and falling over its slot
const SYLLABLES = ['ee', 'oh', 'aa', 'ou', 'aa', 'ih', 'ou', 'aa', 'oh', 'ee', 'ih', 'aa', 'ou', 'ee', 'oh', 'aa'];
const channels = ['aa', 'ih', 'ou', 'ee', 'oh', 'blinkLeft', 'blinkRight', 'smile'];
const C = channels.length, weights = new Float32Array(F * C);
const slot = 0.18, talkEnd = SYLLABLES.length * slot;
for (let f = 0; f < F; f++) {
  const t = f / FPS;
  const s = Math.floor(t / slot);
  if (s < SYLLABLES.length) {
    const u = t / slot - s;
    weights[f * C + channels.indexOf(SYLLABLES[s]!)] = Math.sin(Math.PI * u) ** 0.7;
  }
  for (const b of [0.9, 2.6]) { // blinks: 0.15 s closing and opening
    const d = Math.abs(t - b);
    if (d < 0.075) { const w = 1 - d / 0.075; weights[f * C + 5] = w; weights[f * C + 6] = w; }
  }
  if (t > talkEnd) weights[f * C + 7] = Math.min(1, (t - talkEnd) / 0.4);
}
const motion = {
  ...idle, name: 'talking', frameCount: F,
  rotations: idle.rotations.slice(0, F * idle.jointNames.length * 4), rootTranslation: idle.rootTranslation.slice(0, F * 3),
  expressions: { names: channels, weights },
};
await writeMotionJson(jsonPath, motion, rs);
console.log(`${jsonPath}: ${F} frames at ${FPS} fps, channels ${channels.join(', ')}`);

const dir = process.argv[3], gif = process.argv[4];
if (dir && gif) {
  let avatar = await loadAvatar(dir);
  if (!hasExpression(avatar)) {
    const clothed = avatar.header.body.kind === 'proxy' ? loadSubjectProxy(dir) : undefined;
    avatar = attachExpressionBasis(avatar, clothed ? proxyWithExpression(clothed.proxy, body) : body);
  }
  const m = await loadMotion(jsonPath, avatarRestSkeleton(avatar));
  const bound = bindMotion(m, avatar);
  const renderer = new AvatarRenderer(avatar);
  renderer.pose(restPose(avatar));
  const P = renderer.posedMeans, parts = avatar.buffers.parts as Uint8Array;
  const c = [0, 0, 0]; let n = 0;
  for (let i = 0; i < parts.length; i++) if (parts[i] === PART_INDEX.face) { for (let k = 0; k < 3; k++) c[k]! += P[i * 3 + k]!; n++; }
  const centre: [number, number, number] = [c[0]! / n, c[1]! / n - 0.04, c[2]! / n - 0.03];
  const SIZE = 200;
  const cam = lookAtCamera([centre[0] + 0.22, centre[1] + 0.02, centre[2] + 0.62], centre, { width: SIZE, height: SIZE, fovYDeg: 30 });
  const STEP = 2; // 15 fps keeps the GIF small
  const sink = await openSink(gif, { width: SIZE, height: SIZE, fps: FPS / STEP, transparent: false });
  const pose = samplePose(bound, 0);
  for (let f = 0; f < m.frameCount; f += STEP) await sink.add(renderer.render(samplePose(bound, f / FPS, pose), cam, [1, 1, 1]));
  await sink.finish();
  console.log(`${gif}: ${m.frameCount} frames`);
}
