/**
 * Makes the animation demo of docs/export.md: a body-derived (untrained) avatar — the MakeHuman body
 * subdivided (default once: ~54k Gaussians; see --levels), through the same template/model/bundle path as training, coloured
 * by body part so that motion reads — dancing while the camera turns around it, as a GIF.
 *
 *   node dist/bench/animate-demo.js [--out docs/images/animate-dance.gif] [--size 256] [--motion dance] [--levels 1]
 */
import { buildGaussianTemplate } from '../src/avatar/buildTemplate.js';
import { createAvatarBundle, type BundleArray } from '../src/avatar/bundle.js';
import { AvatarModel } from '../src/train/model.js';
import { bundleFromModel } from '../src/train/toBundle.js';
import { loadBodyModel } from '../src/body/model.js';
import { trainConfig } from '../src/train/config.js';
import { animateAvatar } from '../src/animate/animate.js';
import { loadMotionArg } from '../src/animate/motionArg.js';
import { avatarRestSkeleton } from '../src/animate/poses.js';
import { labelColor } from '../src/render/shade.js';
import { Progress } from '../src/core/progress.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const cfg = trainConfig('standard');
const body = loadBodyModel();
const template = buildGaussianTemplate(body, { shape: new Float64Array(body.shapeCount), levels: Number(arg('levels', '1')) });
const model = new AvatarModel(template, cfg.avatar, 0);
const frozen = bundleFromModel(model, { note: 'untrained, body-derived demo' });
// part colours (a light tint of the render room's label palette) and the mesh triangles for GLB export
const N = frozen.header.gaussianCount;
const colors = frozen.buffers.colors as Float32Array;
for (let i = 0; i < N; i++) {
  const c = labelColor(template.parts[i]!);
  for (let k = 0; k < 3; k++) colors[i * 3 + k] = 0.35 + 0.6 * c[k]!;
}
const arrays: Record<string, { data: BundleArray; shape: number[] }> = {};
for (const [name, view] of Object.entries(frozen.header.buffers)) arrays[name] = { data: frozen.buffers[name]!, shape: view.shape };
arrays.triangles = { data: template.triangles, shape: [template.triangles.length / 3, 3] };
const { header } = frozen;
const avatar = createAvatarBundle(
  { gaussianCount: N, body: header.body, skeleton: header.skeleton, skinInfluences: header.skinInfluences, poseOffsets: header.poseOffsets, training: header.training },
  arrays,
);
const motion = await loadMotionArg(arg('motion', 'dance'), avatarRestSkeleton(avatar));
const out = arg('out', 'docs/images/animate-dance.gif');
const r = await animateAvatar(avatar, motion, { out, size: Number(arg('size', '256')), camera: 'orbit', fps: Number(arg('fps', '15')), progress: new Progress('plain') });
console.log(`${N} Gaussians, ${r.frames} frames → ${out}; per frame: pose ${r.perFrame.poseMs.toFixed(1)} ms, project+sort ${r.perFrame.preprocessMs.toFixed(1)} ms, composite ${r.perFrame.rasterMs.toFixed(1)} ms`);
if (process.argv.includes('--save-avatar')) {
  const { writeAvatarBundle } = await import('../src/avatar/bundle.js');
  await writeAvatarBundle(arg('save-avatar', '/tmp/persona-demo-avatar'), avatar);
}
