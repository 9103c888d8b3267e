/**
 * The avatar's 3 part-segmentation channels. PERSONA supervises 3 segmentation channels from a
 * human-parsing network (Sapiens) on the photo and generated frames; our default targets come from the
 * fitted body's part labels, so we group BODY_PARTS into the three regions whose boundaries matter most for
 * geometry-weighted optimisation: head (face, scalp, eyes), hands, and the rest of the body (clothing).
 */
import { BODY_PARTS, type BodyPart } from '../body/index.js';

/** Channel names, in order. */
export const SEG_CHANNELS = ['head', 'hands', 'body'] as const;
/** Number of segmentation channels (PERSONA: 3). */
export const SEG_CHANNEL_COUNT = SEG_CHANNELS.length;

const HEAD: ReadonlySet<BodyPart> = new Set(['head', 'face', 'eyes']);
const HANDS: ReadonlySet<BodyPart> = new Set(['leftHand', 'rightHand']);

/** The segmentation channel of a body part index. */
export function segChannelOfPart(part: number): number {
  const name = BODY_PARTS[part];
  if (name !== undefined && HEAD.has(name)) return 0;
  if (name !== undefined && HANDS.has(name)) return 1;
  return 2;
}

/** One-hot segmentation values (N×3) for per-vertex part labels. */
export function segOneHot(parts: ArrayLike<number>): Float32Array {
  const out = new Float32Array(parts.length * SEG_CHANNEL_COUNT);
  for (let i = 0; i < parts.length; i++) out[i * SEG_CHANNEL_COUNT + segChannelOfPart(parts[i]!)] = 1;
  return out;
}
