/** Paths of the files in a subject folder (relative to it), in one place. See docs/formats.md. */
export const SUBJECT_FILES = {
  manifest: 'manifest.json',
  image: 'input/image.png',
  alphaHint: 'input/alpha.png',
  keypoints: 'perception/keypoints.json',
  mask: 'perception/mask.png',
  perceptionOverlay: 'perception/overlay.png',
  fit: 'fit/body.json',
  fitOverlay: 'fit/overlay.png',
  shapeDir: 'shape',
  proxy: 'shape/proxy.json',
  proxyBin: 'shape/proxy.bin',
  proxyOverlay: 'shape/overlay.png',
  proxyGlb: 'shape/proxy.glb',
  proxyColors: 'texture/proxy-colors.json',
  proxyColorsBin: 'texture/proxy-colors.bin',
  texture: 'texture/texture.png',
  visibility: 'texture/visibility.png',
  generatedDir: 'generated',
  checkpoint: 'train/checkpoint.bin',
  trainLog: 'train/log.jsonl',
  trainPreview: 'train/preview.png',
  avatarDir: 'avatar',
  previewDir: 'preview',
} as const;

/** Files of one generated clip. */
export function clipFiles(clip: string): { dir: string; poses: string; frame: (file: string) => string; mask: (file: string) => string } {
  const dir = `${SUBJECT_FILES.generatedDir}/${clip}`;
  return { dir, poses: `${dir}/poses.json`, frame: (f) => `${dir}/frames/${f}`, mask: (f) => `${dir}/masks/${f}` };
}
