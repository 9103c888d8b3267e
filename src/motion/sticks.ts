/**
 * Stick-figure drawings of motions (front and side views), for checking by eye that motions
 * are plausible, and a contact sheet of a few frames of several motions.
 */
import { createImage, type FloatImage } from '../core/image.js';
import { contactSheet } from '../render/index.js';
import { drawLine, drawPoint } from '../render/index.js';
import type { RestSkeleton } from './canonical.js';
import { createFkResult, quatForwardKinematics } from '../body/index.js';
import { assignRoles } from './names.js';
import type { Motion } from './types.js';

const LEFT: [number, number, number] = [0.85, 0.2, 0.15];
const RIGHT: [number, number, number] = [0.15, 0.35, 0.85];
const AXIAL: [number, number, number] = [0.15, 0.15, 0.15];
const FLOOR: [number, number, number] = [0.7, 0.7, 0.7];

/** Options of drawStickFrame. */
export interface StickOptions {
  /** Cell height in pixels (the width is 2× for the front + side views). */
  size?: number;
  /** World height shown (metres), centred on the rest skeleton. */
  extent?: number;
}

/**
 * Draws frame `frame` of `motion` (joints matching rs.skeleton.names) as two stick figures:
 * front view (looking along −Z, the person's left on the image right) and side view (from
 * the person's right, facing image right). Left limbs red, right limbs blue.
 */
export function drawStickFrame(motion: Motion, rs: RestSkeleton, frame: number, options: StickOptions = {}): FloatImage {
  const size = options.size ?? 160;
  const J = rs.skeleton.names.length;
  const fk = createFkResult(J);
  quatForwardKinematics(rs.skeleton, rs.rest, motion.rotations, motion.rootTranslation, fk, frame * J * 4, frame * 3);
  let ymin = Infinity, ymax = -Infinity;
  for (let j = 0; j < J; j++) { ymin = Math.min(ymin, rs.rest[j * 3 + 1]!); ymax = Math.max(ymax, rs.rest[j * 3 + 1]!); }
  const extent = options.extent ?? (ymax - ymin) * 1.35;
  const cy = (ymin + ymax) / 2 + (ymax - ymin) * 0.08;
  const scale = size / extent;
  const img = createImage(size * 2, size, 3, 1);
  const roles = assignRoles(rs.skeleton.names).roles;
  const colorOf = (j: number): [number, number, number] => {
    const r = roles[j] ?? '';
    const n = rs.skeleton.names[j]!.toLowerCase();
    if (r.startsWith('left') || /(_l$|^l_|left|\.l$)/.test(n)) return LEFT;
    if (r.startsWith('right') || /(_r$|^r_|right|\.r$)/.test(n)) return RIGHT;
    return AXIAL;
  };
  const floorY = size / 2 - (ymin - cy) * scale;
  for (let view = 0; view < 2; view++) {
    const ox = view * size + size / 2;
    drawLine(img, view * size + 4, floorY, view * size + size - 4, floorY, FLOOR, 1);
    const px = (j: number): number => ox + (view === 0 ? fk.positions[j * 3]! : fk.positions[j * 3 + 2]!) * scale;
    const py = (j: number): number => size / 2 - (fk.positions[j * 3 + 1]! - cy) * scale;
    for (let j = 0; j < J; j++) {
      const p = rs.skeleton.parents[j]!;
      if (p < 0) continue;
      if (roles[p] === null && rs.skeleton.parents[p]! < 0) continue; // skip the floor-level rig root bone
      drawLine(img, px(p), py(p), px(j), py(j), colorOf(j), 2);
    }
    const head = roles.indexOf('head');
    if (head >= 0) drawPoint(img, px(head), py(head), AXIAL, 3.5);
  }
  return img;
}

/** A contact sheet: one row per motion, `columns` evenly spaced frames each, labelled "name t". */
export function motionContactSheet(motions: Motion[], rs: RestSkeleton, columns = 6, size = 140): FloatImage {
  const images: FloatImage[] = [];
  const labels: string[] = [];
  for (const m of motions) {
    for (let c = 0; c < columns; c++) {
      const f = Math.round((c / (columns - 1)) * (m.frameCount - 1));
      images.push(drawStickFrame(m, rs, f, { size }));
      labels.push(`${m.name} ${(f / m.fps).toFixed(1)}s`);
    }
  }
  return contactSheet(images, { columns, labels, labelScale: 1, padding: 4 });
}
