/**
 * 2D drawing onto FloatImages for overlays: anti-aliased lines, circles and dots, polylines,
 * skeletons, rectangles, mask outlines and tints, and text in the built-in bitmap font.
 * Coordinates are continuous pixels with pixel centres at +0.5 (the camera convention),
 * so projected keypoints can be drawn directly. Colours are per channel in [0,1]; missing
 * channels repeat the last value. Everything blends with `opacity` (default 1).
 */
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './font.js';

/** A colour: one value per channel (missing channels repeat the last value). */
export type Color = number[] | [number, number, number];

/** Blends `color` into pixel (x, y) with weight `a` in [0,1]; ignores pixels outside. */
export function blendPixel(img: FloatImage, x: number, y: number, color: Color, a: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || !(a > 0)) return;
  const w = a > 1 ? 1 : a;
  const o = (y * img.width + x) * img.channels;
  for (let c = 0; c < img.channels; c++) {
    const v = color[Math.min(c, color.length - 1)]!;
    img.data[o + c] = img.data[o + c]! * (1 - w) + v * w;
  }
}

/** Anti-aliased line segment of `width` pixels (round caps). */
export function drawLine(img: FloatImage, x0: number, y0: number, x1: number, y1: number, color: Color, width = 1, opacity = 1): void {
  if (![x0, y0, x1, y1].every(Number.isFinite)) return;
  const r = width / 2;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - r - 1)), maxX = Math.min(img.width - 1, Math.ceil(Math.max(x0, x1) + r + 1));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - r - 1)), maxY = Math.min(img.height - 1, Math.ceil(Math.max(y0, y1) + r + 1));
  const dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - x0, py = y + 0.5 - y0;
      const s = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
      const d = Math.hypot(px - s * dx, py - s * dy);
      const cov = Math.min(1, r + 0.5 - d);
      if (cov > 0) blendPixel(img, x, y, color, cov * opacity);
    }
  }
}

/** Circle centred at (cx, cy): filled disc, or a ring of `width` pixels when `fill` is false. */
export function drawCircle(img: FloatImage, cx: number, cy: number, radius: number, color: Color, options: { fill?: boolean; width?: number; opacity?: number } = {}): void {
  if (![cx, cy, radius].every(Number.isFinite)) return;
  const fill = options.fill ?? true, hw = (options.width ?? 1) / 2, opacity = options.opacity ?? 1;
  const ext = radius + hw + 1;
  const minX = Math.max(0, Math.floor(cx - ext)), maxX = Math.min(img.width - 1, Math.ceil(cx + ext));
  const minY = Math.max(0, Math.floor(cy - ext)), maxY = Math.min(img.height - 1, Math.ceil(cy + ext));
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const cov = fill ? Math.min(1, radius + 0.5 - d) : Math.min(1, hw + 0.5 - Math.abs(d - radius));
      if (cov > 0) blendPixel(img, x, y, color, cov * opacity);
    }
  }
}

/** A filled dot (keypoint marker) of `radius` pixels. */
export function drawPoint(img: FloatImage, x: number, y: number, color: Color, radius = 2.5, opacity = 1): void {
  drawCircle(img, x, y, radius, color, { fill: true, opacity });
}

/** A polyline through flat (x, y) pairs; `closed` joins the last point to the first. */
export function drawPolyline(img: FloatImage, points: ArrayLike<number>, color: Color, width = 1, closed = false): void {
  const n = Math.floor(points.length / 2);
  for (let i = 0; i + 1 < n; i++) drawLine(img, points[2 * i]!, points[2 * i + 1]!, points[2 * i + 2]!, points[2 * i + 3]!, color, width);
  if (closed && n > 2) drawLine(img, points[2 * n - 2]!, points[2 * n - 1]!, points[0]!, points[1]!, color, width);
}

/**
 * Draws a skeleton: bones between keypoints (N×2 pixel coordinates) and a dot per keypoint.
 * Keypoints with non-finite coordinates or `visible[i]` false are skipped.
 */
export function drawSkeleton(
  img: FloatImage,
  points: ArrayLike<number>,
  edges: ReadonlyArray<readonly [number, number]>,
  options: { lineColor?: Color; pointColor?: Color; width?: number; radius?: number; visible?: ArrayLike<boolean | number> } = {},
): void {
  const ok = (i: number): boolean => Number.isFinite(points[2 * i]) && Number.isFinite(points[2 * i + 1]) && (!options.visible || !!options.visible[i]);
  const lineColor = options.lineColor ?? [0.1, 0.8, 0.2], pointColor = options.pointColor ?? [0.9, 0.1, 0.1];
  for (const [a, b] of edges) if (ok(a) && ok(b)) drawLine(img, points[2 * a]!, points[2 * a + 1]!, points[2 * b]!, points[2 * b + 1]!, lineColor, options.width ?? 2);
  const n = Math.floor(points.length / 2);
  for (let i = 0; i < n; i++) if (ok(i)) drawPoint(img, points[2 * i]!, points[2 * i + 1]!, pointColor, options.radius ?? 2.5);
}

/** Axis-aligned rectangle with integer pixel bounds [x, x+w)×[y, y+h): filled or 1-pixel outline. */
export function drawRect(img: FloatImage, x: number, y: number, w: number, h: number, color: Color, fill = true, opacity = 1): void {
  const x0 = Math.round(x), y0 = Math.round(y), x1 = Math.round(x + w), y1 = Math.round(y + h);
  for (let yy = Math.max(0, y0); yy < Math.min(img.height, y1); yy++) {
    for (let xx = Math.max(0, x0); xx < Math.min(img.width, x1); xx++) {
      if (fill || yy === y0 || yy === y1 - 1 || xx === x0 || xx === x1 - 1) blendPixel(img, xx, yy, color, opacity);
    }
  }
}

function checkMask(img: FloatImage, mask: ArrayLike<number>): void {
  if (mask.length !== img.width * img.height) throw new PersonaError(`mask has ${mask.length} values but the image is ${img.width}×${img.height}`, { hint: 'Pass an H×W mask of the same size as the image.' });
}

/** Outlines a mask (H×W, inside where value ≥ threshold): inside pixels with an outside 4-neighbour. */
export function drawMaskOutline(img: FloatImage, mask: ArrayLike<number>, color: Color, threshold = 0.5, thickness = 1): void {
  checkMask(img, mask);
  const W = img.width, H = img.height;
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < W && y < H && mask[y * W + x]! >= threshold;
  const r = Math.max(0, Math.round(thickness) - 1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (!inside(x, y)) continue;
      if (inside(x - 1, y) && inside(x + 1, y) && inside(x, y - 1) && inside(x, y + 1)) continue;
      for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) blendPixel(img, x + i, y + j, color, 1);
    }
  }
}

/** Tints the image with `color` where the mask is set, weighted by mask value × opacity. */
export function tintMask(img: FloatImage, mask: ArrayLike<number>, color: Color, opacity = 0.4): void {
  checkMask(img, mask);
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
    const m = mask[y * img.width + x]!;
    if (m > 0) blendPixel(img, x, y, color, Math.min(1, m) * opacity);
  }
}

/** Width in pixels of `text` drawn at integer `scale`. */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : (text.length * GLYPH_ADVANCE - 1) * scale;
}

/** Height in pixels of one line of text at `scale`. */
export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/** Draws `text` with its top-left corner at integer pixel (x, y), each font dot a scale×scale block. */
export function drawText(img: FloatImage, text: string, x: number, y: number, color: Color, scale = 1, opacity = 1): void {
  const s = Math.max(1, Math.round(scale));
  let ox = Math.round(x);
  const oy = Math.round(y);
  for (const ch of text) {
    const rows = glyphRows(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r]!;
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - c)))) continue;
        for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) blendPixel(img, ox + c * s + i, oy + r * s + j, color, opacity);
      }
    }
    ox += GLYPH_ADVANCE * s;
  }
}
