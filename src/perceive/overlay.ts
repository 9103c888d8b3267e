/**
 * The overlay picture for people to look at: the photo dimmed a little, the matte outline,
 * the body skeleton, hand skeletons and face-mesh points.
 */
import { createImage, type FloatImage } from '../core/image.js';
import { BODY_EDGES, BODY_INDEX, FACE_OVAL, HAND_EDGES } from './names.js';
import { OVERLAY_MIN_SCORE, VISIBLE_SCORE } from './config.js';
import type { Perception } from './types.js';

type RGB = [number, number, number];

/** Paints a disc of radius `r` (pixels) centred at (cx, cy), coverage-blended. */
export function drawDisc(img: FloatImage, cx: number, cy: number, r: number, color: RGB): void {
  const x0 = Math.max(0, Math.floor(cx - r - 1)), x1 = Math.min(img.width - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1)), y1 = Math.min(img.height - 1, Math.ceil(cy + r + 1));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      blend(img, x, y, color, clamp01(r + 0.5 - d));
    }
}

/** Paints a line segment of width `w` (pixels), anti-aliased by distance to the segment. */
export function drawLine(img: FloatImage, ax: number, ay: number, bx: number, by: number, w: number, color: RGB): void {
  const r = w / 2;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1)), x1 = Math.min(img.width - 1, Math.ceil(Math.max(ax, bx) + r + 1));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1)), y1 = Math.min(img.height - 1, Math.ceil(Math.max(ay, by) + r + 1));
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy || 1e-12;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - ax, py = y + 0.5 - ay;
      const t = clamp01((px * dx + py * dy) / len2);
      const d = Math.hypot(px - t * dx, py - t * dy);
      blend(img, x, y, color, clamp01(r + 0.5 - d));
    }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function blend(img: FloatImage, x: number, y: number, c: RGB, a: number): void {
  if (a <= 0) return;
  const i = (y * img.width + x) * img.channels;
  for (let k = 0; k < 3; k++) img.data[i + k] = img.data[i + k]! * (1 - a) + c[k]! * a;
}

const LEFT: RGB = [1, 0.55, 0.1];
const RIGHT: RGB = [0.1, 0.75, 1];
const CENTER: RGB = [0.95, 0.95, 0.2];
const MATTE: RGB = [0.2, 1, 0.3];
const FACE: RGB = [1, 0.3, 0.8];

/** Draws the perception result over the photo (RGB or RGBA) and returns a new RGB image. */
export function drawOverlay(photo: FloatImage, p: Perception): FloatImage {
  const W = photo.width, H = photo.height;
  const out = createImage(W, H, 3);
  for (let i = 0; i < W * H; i++) for (let k = 0; k < 3; k++) out.data[i * 3 + k] = 0.15 + 0.7 * photo.data[i * photo.channels + k]!;
  const scale = Math.max(1, Math.max(W, H) / 600);
  // Matte outline: pixels inside (α ≥ 0.5) with a 4-neighbour outside.
  const m = p.mask;
  if (m) {
    const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < W && y < H && m.data[y * W + x]! >= 0.5;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        if (inside(x, y) && (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)))
          drawDisc(out, x + 0.5, y + 0.5, 0.8 * scale, MATTE);
  }
  // Person box.
  const b = p.person.box;
  for (const [ax, ay, bx, by] of [
    [b[0], b[1], b[2], b[1]], [b[2], b[1], b[2], b[3]], [b[2], b[3], b[0], b[3]], [b[0], b[3], b[0], b[1]],
  ] as const)
    drawLine(out, ax, ay, bx, by, 1 * scale, [0.9, 0.9, 0.9]);
  // Face mesh points and outline.
  if (p.face) {
    const mesh = p.face.mesh;
    for (let i = 0; i < Math.min(468, mesh.length); i++) drawDisc(out, mesh[i]![0], mesh[i]![1], 0.6 * scale, FACE);
    for (let i = 0; i < FACE_OVAL.length; i++) {
      const a = mesh[FACE_OVAL[i]!], c = mesh[FACE_OVAL[(i + 1) % FACE_OVAL.length]!];
      if (a && c) drawLine(out, a[0], a[1], c[0], c[1], 1 * scale, FACE);
    }
    if (p.face.iris) for (const e of [p.face.iris.left, p.face.iris.right]) drawDisc(out, e[0], e[1], 1.5 * scale, [1, 1, 1]);
  }
  // Body skeleton.
  const kp = p.body.keypoints;
  const side = (name: string): RGB => (name.startsWith('left') ? LEFT : name.startsWith('right') ? RIGHT : CENTER);
  // Confident keypoints drawn bold, doubtful ones (score in [OVERLAY_MIN_SCORE, VISIBLE_SCORE)) thin.
  for (const [a, c] of BODY_EDGES) {
    const pa = kp[BODY_INDEX[a]]!, pc = kp[BODY_INDEX[c]]!;
    const s = Math.min(pa[2], pc[2]);
    if (s < OVERLAY_MIN_SCORE) continue;
    const col = a.startsWith('left') && c.startsWith('left') ? LEFT : a.startsWith('right') && c.startsWith('right') ? RIGHT : CENTER;
    drawLine(out, pa[0], pa[1], pc[0], pc[1], (s >= VISIBLE_SCORE ? 2.5 : 1) * scale, col);
  }
  for (const [name, i] of Object.entries(BODY_INDEX)) {
    const q = kp[i]!;
    if (q[2] >= OVERLAY_MIN_SCORE) drawDisc(out, q[0], q[1], (q[2] >= VISIBLE_SCORE ? 2.5 : 1.5) * scale, side(name));
  }
  // Hands.
  for (const [hand, col] of [[p.hands.left, LEFT], [p.hands.right, RIGHT]] as const) {
    if (!hand) continue;
    const k = hand.keypoints;
    for (const [a, c] of HAND_EDGES) drawLine(out, k[a]![0], k[a]![1], k[c]![0], k[c]![1], 1.2 * scale, [1, 1, 1]);
    for (const q of k) drawDisc(out, q[0], q[1], 1.3 * scale, col);
  }
  return out;
}
