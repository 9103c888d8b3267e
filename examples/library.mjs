// Persona as a library: one photo → an avatar → a dance video and exports.
// Usage: node library.mjs <photo> [out-dir] [quality: test|fast|standard|high]
import { create, loadAvatar, loadMotion, animateAvatar, exportAvatar, resolvePose, Progress } from 'persona-avatar';

const [photo, out = 'my-avatar', quality = 'fast'] = process.argv.slice(2);
const progress = new Progress('plain'); // lines on stderr; the default is silent

// The whole pipeline; its stages are cached in `out`, so running it again resumes.
const summary = await create(photo, out, { quality, progress });
console.log(`avatar: ${summary.avatar} (${summary.totalSeconds.toFixed(0)} s)`);

// Drive it with a builtin motion (or a .bvh / SMPL-X file) and render an MP4 (or .gif, or frames/).
const avatar = await loadAvatar(summary.avatar);
const dance = await loadMotion('dance', avatar);
await animateAvatar(avatar, dance, { out: `${out}/dance.mp4`, size: 256, progress });

// Export Gaussian splats at rest, and a skinned glTF mesh standing in a T-pose.
await exportAvatar(avatar, `${out}/avatar.ply`, { format: 'ply' });
const tPose = await resolvePose(avatar, { pose: 't-pose' });
await exportAvatar(avatar, `${out}/avatar.glb`, { format: 'glb', rigged: true, pose: tPose });
console.log(`wrote ${out}/dance.mp4, ${out}/avatar.ply, ${out}/avatar.glb`);
