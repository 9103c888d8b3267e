import sharp from 'sharp';
import { writeFileAtomic } from './atomic.js';

/** A float image: `data` is height×width×channels, row-major, values in [0, 1]. */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/** Allocates a float image filled with `fill` (per channel, or one value for all). */
export function createImage(width: number, height: number, channels: number, fill: number | number[] = 0): FloatImage {
  const data = new Float32Array(width * height * channels);
  if (typeof fill === 'number') data.fill(fill);
  else for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = fill[c] ?? 0;
  return { width, height, channels, data };
}

/** Converts a float image to 8-bit bytes (clamped, rounded). */
export function toBytes(img: FloatImage): Uint8Array {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i]!;
    out[i] = v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
  }
  return out;
}

/** Converts 8-bit bytes (height×width×channels) to a float image. */
export function fromBytes(bytes: Uint8Array, width: number, height: number, channels: number): FloatImage {
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = bytes[i]! / 255;
  return { width, height, channels, data };
}

/** Encodes a float image (1, 2, 3 or 4 channels) as PNG bytes. */
export async function encodePng(img: FloatImage): Promise<Buffer> {
  if (img.channels < 1 || img.channels > 4) throw new Error(`encodePng: ${img.channels} channels not supported`);
  return sharp(Buffer.from(toBytes(img)), {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 },
  })
    .png()
    .toBuffer();
}

/** Writes a float image as a PNG, atomically. */
export async function writePng(path: string, img: FloatImage): Promise<void> {
  await writeFileAtomic(path, await encodePng(img));
}

/** Reads any image sharp can decode (EXIF orientation applied) as a float image with `channels` channels. */
export async function readImage(path: string | Buffer, channels: 1 | 3 | 4 = 4): Promise<FloatImage> {
  let pipeline = sharp(path).rotate();
  if (channels === 1) pipeline = pipeline.greyscale();
  else if (channels === 3) pipeline = pipeline.removeAlpha();
  else pipeline = pipeline.ensureAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const got = info.channels;
  const img = fromBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, got);
  if (got === channels) return img;
  // greyscale() may still report 3 channels for some inputs: take the first.
  const out = createImage(info.width, info.height, channels);
  for (let i = 0; i < info.width * info.height; i++)
    for (let c = 0; c < channels; c++) out.data[i * channels + c] = img.data[i * got + Math.min(c, got - 1)]!;
  return out;
}

/** Bilinear sample of channel `c` at continuous pixel coordinates (pixel centres at +0.5). */
export function sampleBilinear(img: FloatImage, x: number, y: number, c: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), img.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), img.height - 1);
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.width - 1), y1 = Math.min(y0 + 1, img.height - 1);
  const ax = fx - x0, ay = fy - y0;
  const ch = img.channels, w = img.width, d = img.data;
  const v00 = d[(y0 * w + x0) * ch + c]!, v10 = d[(y0 * w + x1) * ch + c]!;
  const v01 = d[(y1 * w + x0) * ch + c]!, v11 = d[(y1 * w + x1) * ch + c]!;
  return (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay;
}

