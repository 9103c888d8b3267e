/**
 * Which pixels beside the head and neck may be hair, judged by colour (docs/shape.md, *A collar is not hair*).
 *
 * The hair prior (slabs.ts) reads matte beside the jaw and neck as hair falling behind them. A high collar or a scarf
 * fills the same place (man-coat-beard: his coat's collar up to the jaw, 4–7 cm each side) and was taken for hair: a
 * hair layer down the coat's back. What tells them apart in one photo is colour: the collar is the garment's colour,
 * hair is the colour of the hair on the crown. So a pixel is ruled out as hair when it is nearer the torso's colour
 * than the crown's — and only when those two differ enough to tell (black hair on a black coat: no evidence, every
 * pixel stays possible hair, as before).
 */
import { SHAPE_CONFIG, type ShapeConfig } from './config.js';

/** What the colour test reads (all at the carving camera's size). */
export interface HairColourInputs {
  width: number;
  height: number;
  /** H×W×3 photo colours in [0,1]. */
  photo: Float32Array;
  /** H×W matte in [0,1]. */
  matte: Float32Array;
  /** Image column of the neck and rows of the head joint, the shoulder line and the hip joints. */
  neckColumn: number;
  headRow: number;
  shoulderRow: number;
  hipRow: number;
}

/** The colour test's result. */
export interface HairColourMask {
  /** H×W: 0 where the colour rules hair out (nearer the torso's than the crown's), 1 elsewhere. */
  mask: Uint8Array;
  /** Median colours of the crown and of the chest; null where the photo shows none. */
  crown: [number, number, number] | null;
  torso: [number, number, number] | null;
  /** False when the two are too alike to tell hair from clothing (then the mask is all ones). */
  decisive: boolean;
}

/** The mask of pixels whose colour does not rule out hair (see the module comment). */
export function hairColourMask(inp: HairColourInputs, cfg: ShapeConfig = SHAPE_CONFIG): HairColourMask {
  const { width: W, height: H, photo, matte } = inp;
  const mask = new Uint8Array(W * H).fill(1);
  // the head's matte run at the head joint: the crown's columns and the chest band's width
  const headRow = Math.round(inp.headRow);
  const head = headRow > 0 && headRow < H ? runAround(matte, W, headRow, Math.round(inp.neckColumn)) : null;
  const crown = head && crownColour(inp, cfg, headRow, head), torso = torsoColour(inp, cfg, headRow, head);
  const decisive = crown !== null && torso !== null && distance(crown, torso) >= cfg.hairColourContrast;
  if (decisive) {
    for (let p = 0; p < W * H; p++) {
      if (matte[p]! < 0.5) continue;
      const c = [photo[p * 3]!, photo[p * 3 + 1]!, photo[p * 3 + 2]!] as const;
      if (distance(c, torso!) < distance(c, crown!)) mask[p] = 0;
    }
  }
  return { mask, crown, torso, decisive };
}

/** Median colour of the matte's top `hairCrownShare` between its highest row over the head (columns of the head's run `span` at
 * the head joint's row) and the head joint (inner pixels only). */
function crownColour(inp: HairColourInputs, cfg: ShapeConfig, headRow: number, span: { x0: number; x1: number }): [number, number, number] | null {
  const { width: W, matte } = inp;
  let top = -1;
  for (let y = 0; y < headRow && top < 0; y++) for (let x = span.x0; x <= span.x1; x++) if (matte[y * W + x]! >= 0.5) { top = y; break; }
  if (top < 0) return null;
  const bottom = top + Math.max(1, Math.round(cfg.hairCrownShare * (headRow - top)));
  return medianColour(inp, cfg, span.x0, span.x1, top, bottom);
}

/** Median colour of the chest: a band around the neck column, half the head's width (its run `span`), from a fifth to half the way
 * from shoulders to hips. */
function torsoColour(inp: HairColourInputs, cfg: ShapeConfig, headRow: number, span: { x0: number; x1: number } | null): [number, number, number] | null {
  const nc = Math.round(inp.neckColumn);
  if (!(headRow > 0 && headRow < inp.height) || !(inp.hipRow > inp.shoulderRow)) return null;
  const half = span ? Math.max(1, Math.round((span.x1 - span.x0 + 1) / 4)) : 1;
  const drop = inp.hipRow - inp.shoulderRow;
  const [a, b] = cfg.hairTorsoBand;
  return medianColour(inp, cfg, nc - half, nc + half, Math.round(inp.shoulderRow + a * drop), Math.round(inp.shoulderRow + b * drop));
}

/** The matte run of row y through column x (inclusive ends); null when x is off the matte. */
function runAround(matte: Float32Array, W: number, y: number, x: number): { x0: number; x1: number } | null {
  if (x < 0 || x >= W || matte[y * W + x]! < 0.5) return null;
  let x0 = x, x1 = x;
  while (x0 > 0 && matte[y * W + x0 - 1]! >= 0.5) x0--;
  while (x1 < W - 1 && matte[y * W + x1 + 1]! >= 0.5) x1++;
  return { x0, x1 };
}

/** Per-channel median of the box's pixels that lie inside the matte by `hairColourInset` pixels (the outline mixes in the backdrop). */
function medianColour(inp: HairColourInputs, cfg: ShapeConfig, x0: number, x1: number, y0: number, y1: number): [number, number, number] | null {
  const { width: W, height: H, photo, matte } = inp;
  const k = cfg.hairColourInset;
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < W && y < H && matte[y * W + x]! >= 0.5;
  const channels: number[][] = [[], [], []];
  for (let y = Math.max(0, y0); y <= Math.min(H - 1, y1); y++)
    for (let x = Math.max(0, x0); x <= Math.min(W - 1, x1); x++) {
      if (!(inside(x, y) && inside(x - k, y) && inside(x + k, y) && inside(x, y - k) && inside(x, y + k))) continue;
      for (let c = 0; c < 3; c++) channels[c]!.push(photo[(y * W + x) * 3 + c]!);
    }
  if (channels[0]!.length === 0) return null;
  return channels.map((v) => { v.sort((p, q) => p - q); return v[v.length >> 1]!; }) as [number, number, number];
}

/** Euclidean distance of two RGB colours. */
function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}
