/**
 * Letterboxing: the photo scaled to fit inside a W×H frame (aspect kept, centred, padded). The pose
 * video handed to an image-animation model (576×1024 for MimicMotion) and the frames that come back are
 * in this frame; `letterboxCamera` is the photo's camera seen in it.
 */
import type { Camera } from '../core/camera.js';
import { createImage, type FloatImage } from '../core/image.js';
import { resizeImage } from '../render/index.js';

/** Scale and offsets of the photo inside the W×H frame. */
export function letterboxOf(srcWidth: number, srcHeight: number, width: number, height: number): { scale: number; offsetX: number; offsetY: number; innerWidth: number; innerHeight: number } {
  const scale = Math.min(width / srcWidth, height / srcHeight);
  const innerWidth = Math.max(1, Math.round(srcWidth * scale)), innerHeight = Math.max(1, Math.round(srcHeight * scale));
  return { scale, offsetX: Math.floor((width - innerWidth) / 2), offsetY: Math.floor((height - innerHeight) / 2), innerWidth, innerHeight };
}

/** The camera of a photo letterboxed into a W×H frame. */
export function letterboxCamera(cam: Camera, width: number, height: number): Camera {
  const b = letterboxOf(cam.width, cam.height, width, height);
  const sx = b.innerWidth / cam.width, sy = b.innerHeight / cam.height;
  return { ...cam, fx: cam.fx * sx, fy: cam.fy * sy, cx: cam.cx * sx + b.offsetX, cy: cam.cy * sy + b.offsetY, width, height };
}

/** The image letterboxed into a W×H frame, padded with `background`. */
export function letterboxImage(img: FloatImage, width: number, height: number, background: number[]): FloatImage {
  const b = letterboxOf(img.width, img.height, width, height);
  const inner = resizeImage(img, b.innerWidth, b.innerHeight);
  const C = img.channels;
  const out = createImage(width, height, C, background.slice(0, C));
  for (let y = 0; y < b.innerHeight; y++)
    out.data.set(inner.data.subarray(y * b.innerWidth * C, (y + 1) * b.innerWidth * C), ((y + b.offsetY) * width + b.offsetX) * C);
  return out;
}
