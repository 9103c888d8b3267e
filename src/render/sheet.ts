/**
 * Contact sheets: a grid of images, each fitted into an equal cell (aspect kept, centred),
 * with optional labels below in the built-in bitmap font. Also the resampling and channel
 * conversions that need: resizeImage (area-averaging down, bilinear up) and toRgb.
 */
import { PersonaError } from '../core/errors.js';
import { createImage, sampleBilinear, type FloatImage } from '../core/image.js';
import { drawText, textHeight, textWidth } from './draw.js';

/**
 * Converts to 3-channel RGB: grey is repeated, grey+alpha and RGBA are composited over
 * `background`.
 */
export function toRgb(img: FloatImage, background: [number, number, number] = [1, 1, 1]): FloatImage {
  if (img.channels === 3) return img;
  const out = createImage(img.width, img.height, 3);
  const n = img.width * img.height, ch = img.channels, d = img.data;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      let v: number;
      if (ch === 1) v = d[i]!;
      else if (ch === 2) v = d[i * 2]! * d[i * 2 + 1]! + background[c]! * (1 - d[i * 2 + 1]!);
      else if (ch === 4) v = d[i * 4 + c]! * d[i * 4 + 3]! + background[c]! * (1 - d[i * 4 + 3]!);
      else v = d[i * ch + Math.min(c, ch - 1)]!;
      out.data[i * 3 + c] = v;
    }
  }
  return out;
}

/**
 * Resizes to width×height: each output pixel averages k×k bilinear taps spread over its
 * footprint (k = ceil of the shrink factor), which is area averaging when shrinking and
 * plain bilinear when enlarging.
 */
export function resizeImage(img: FloatImage, width: number, height: number): FloatImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new PersonaError(`resizeImage: target size ${width}×${height} must be positive integers`);
  }
  const sx = img.width / width, sy = img.height / height;
  const kx = Math.max(1, Math.ceil(sx)), ky = Math.max(1, Math.ceil(sy));
  const out = createImage(width, height, img.channels);
  const inv = 1 / (kx * ky);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * img.channels;
      for (let j = 0; j < ky; j++) {
        const py = (y + (j + 0.5) / ky) * sy;
        for (let i = 0; i < kx; i++) {
          const px = (x + (i + 0.5) / kx) * sx;
          for (let c = 0; c < img.channels; c++) out.data[o + c]! += sampleBilinear(img, px, py, c) * inv;
        }
      }
    }
  }
  return out;
}

/** Options of {@link contactSheet}. */
export interface ContactSheetOptions {
  /** Columns of the grid; default ceil(sqrt(n)). */
  columns?: number;
  /** Cell size in pixels; default the largest image's size. */
  cellWidth?: number;
  cellHeight?: number;
  /** Gap between and around cells (pixels); default 8. */
  padding?: number;
  /** Sheet background (RGB), also used to flatten alpha; default white. */
  background?: [number, number, number];
  /** One label per image (drawn under its cell); letters, digits and basic punctuation. */
  labels?: string[];
  /** Integer scale of the label font (default 2: 10×14-pixel glyphs). */
  labelScale?: number;
  labelColor?: [number, number, number];
}

/** Lays images out in a grid → one RGB image. */
export function contactSheet(images: FloatImage[], options: ContactSheetOptions = {}): FloatImage {
  if (images.length === 0) throw new PersonaError('contactSheet: no images given', { hint: 'Pass at least one image.' });
  if (options.labels && options.labels.length !== images.length) {
    throw new PersonaError(`contactSheet: ${options.labels.length} labels for ${images.length} images`, { hint: 'Give one label per image (use "" for none).' });
  }
  const n = images.length;
  const cols = Math.max(1, Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.ceil(n / cols);
  const cw = options.cellWidth ?? Math.max(...images.map((i) => i.width));
  const ch = options.cellHeight ?? Math.max(...images.map((i) => i.height));
  const pad = options.padding ?? 8;
  const bg = options.background ?? [1, 1, 1];
  const ls = options.labelScale ?? 2;
  const labelBand = options.labels ? textHeight(ls) + pad : 0;
  const W = cols * cw + (cols + 1) * pad;
  const H = rows * (ch + labelBand) + (rows + 1) * pad;
  const sheet = createImage(W, H, 3, bg);
  images.forEach((src, k) => {
    const col = k % cols, row = Math.floor(k / cols);
    const x0 = pad + col * (cw + pad), y0 = pad + row * (ch + labelBand + pad);
    const s = Math.min(cw / src.width, ch / src.height);
    const w = Math.max(1, Math.round(src.width * s)), h = Math.max(1, Math.round(src.height * s));
    const fitted = toRgb(w === src.width && h === src.height ? src : resizeImage(src, w, h), bg);
    const ox = x0 + Math.floor((cw - w) / 2), oy = y0 + Math.floor((ch - h) / 2);
    for (let y = 0; y < h; y++) {
      sheet.data.set(fitted.data.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * W + ox) * 3);
    }
    const label = options.labels?.[k];
    if (label) {
      // Truncate to the cell width.
      let text = label;
      while (text.length > 0 && textWidth(text, ls) > cw) text = text.slice(0, -1);
      drawText(sheet, text, x0 + Math.floor((cw - textWidth(text, ls)) / 2), y0 + ch + Math.floor(pad / 2), options.labelColor ?? [0.1, 0.1, 0.1], ls);
    }
  });
  return sheet;
}
