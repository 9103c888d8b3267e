/**
 * Limb partition of the occupancy field: the proxy is carved as five closed surfaces — each arm, each foot and
 * the rest (trunk, head, legs, and every garment between them) — instead of one.
 *
 * Why: where a limb touches the body or another limb in the photo (hands joined in front, a hand in the hair,
 * a sleeve against a coat, shoes side by side), one carved surface joins them, and unposing it to the canonical
 * pose stretches the joining surface into sheets and fins from the arm to the head, across the chest or between
 * the feet (docs/shape.md, the worst real-photo proxies). Carved apart, each part unposes with its own bones.
 *
 * A sample belongs to a limb when it is nearer that limb's body surface than the rest of the body and within the
 * limb's reach (a sleeve: `armReach` of the upper arm and forearm; only `handReach` of a hand, so a skirt, a pocket
 * or hair beside a hand stays with the body; `footReach` of a foot — a shoe; `shinReach` of a lower leg when the shins
 * are carved apart — a trouser leg; a raised arm's sleeve reaches by the photo's colour, raisedSleeve.ts); to the nearest limb when several
 * claim it; else to the rest. The cut of each part is a signed, distance-like value (negative inside the part's
 * cell), combined with the occupancy field as max(f, cut); across some seams one part reaches a little into the other's
 * cell (OVERLAP_OF), so no gap or notch shows in the photo.
 *
 * The thighs are split only when no garment spans them (a skirt, dress or coat must stay one surface) and one is lifted towards
 * the camera (`proxyLimbs({ legs: true })`, legBend.ts `thighLiftedTowardsCamera`): a sitting person's lap lies against the belly, carved as
 * one part with it, and unposing pulled the thighs down out of the hoodie as sheets to the knees. The lower legs are carved apart
 * when they touch in the photo and no garment spans the legs (`proxyLimbs({ shins: true })`, SHAPE_CONFIG.shinContact): carved as one
 * part, crossed or touching calves fused, and unposing stretched the joint into a sheet between them. (Tried and not kept:
 * lower legs claiming 2 cm around them always, which left the matte between crossed calves as a loose slab skinned to the
 * thighs; whole legs apart, which cut a kick's coat tail off; every pair of shins apart, which cost the tight-clothed
 * synthetic subjects 0.001–0.004 IoU at the knee seams — docs/shape.md.)
 */
import type { ScalarGrid } from './marchingTetrahedra.js';
import { PointIndex } from './meshOps.js';
import { BODY_PARTS, PART_INDEX } from '../body/index.js';
import type { ReachBoost } from './raisedSleeve.js';

/** Settings of the partition (from SHAPE_CONFIG). */
export interface LimbPartitionSettings {
  armReach: number;
  handReach: number;
  footReach: number;
  shoulderSeamRadius: number;
  ankleSeamRadius: number;
  shinReach: number;
  kneeSeamRadius: number;
  legReach: number;
  hipSeamRadius: number;
  /** In voxels. */
  partOverlap: number;
}

/** One limb: the body parts that make it (each with its reach setting) and the joint it hangs from. */
interface LimbSpec {
  name: string;
  /** Joint where the limb meets the rest of the body; its descendants are the limb's bones. */
  root: string;
  /** Around the root, where the limb's part and the rest meet, their skinning is not restricted to their own bones. */
  seam: keyof LimbPartitionSettings;
  pieces: Array<{ parts: number[]; reach: keyof LimbPartitionSettings }>;
}

/** The arms and feet, always carved apart, in part order 1..N (part 0 is the rest). */
export const PROXY_LIMBS: readonly LimbSpec[] = [
  { name: 'leftArm', root: 'upperarm_l', seam: 'shoulderSeamRadius', pieces: [{ parts: [PART_INDEX.leftUpperArm, PART_INDEX.leftForearm], reach: 'armReach' }, { parts: [PART_INDEX.leftHand], reach: 'handReach' }] },
  { name: 'rightArm', root: 'upperarm_r', seam: 'shoulderSeamRadius', pieces: [{ parts: [PART_INDEX.rightUpperArm, PART_INDEX.rightForearm], reach: 'armReach' }, { parts: [PART_INDEX.rightHand], reach: 'handReach' }] },
  { name: 'leftFoot', root: 'foot_l', seam: 'ankleSeamRadius', pieces: [{ parts: [PART_INDEX.leftFoot], reach: 'footReach' }] },
  { name: 'rightFoot', root: 'foot_r', seam: 'ankleSeamRadius', pieces: [{ parts: [PART_INDEX.rightFoot], reach: 'footReach' }] },
];
/** The lower legs, carved apart only when they touch in the photo and no garment spans the legs. */
const SHIN_LIMBS: readonly LimbSpec[] = [
  { name: 'leftShin', root: 'calf_l', seam: 'kneeSeamRadius', pieces: [{ parts: [PART_INDEX.leftLowerLeg], reach: 'shinReach' }] },
  { name: 'rightShin', root: 'calf_r', seam: 'kneeSeamRadius', pieces: [{ parts: [PART_INDEX.rightLowerLeg], reach: 'shinReach' }] },
];

/** The whole legs (thigh and lower leg), carved apart when a thigh is lifted (sitting, a raised knee) and no garment spans the legs. */
const LEG_LIMBS: readonly LimbSpec[] = [
  { name: 'leftLeg', root: 'thigh_l', seam: 'hipSeamRadius', pieces: [{ parts: [PART_INDEX.leftUpperLeg, PART_INDEX.leftLowerLeg], reach: 'legReach' }] },
  { name: 'rightLeg', root: 'thigh_r', seam: 'hipSeamRadius', pieces: [{ parts: [PART_INDEX.rightUpperLeg, PART_INDEX.rightLowerLeg], reach: 'legReach' }] },
];

/** Which leg pieces of one proxy are carved apart (the arms and feet always are). */
export interface LegSplit {
  /** The lower legs: they touch in the photo (`shinsTouch`) and no garment spans the legs. */
  shins: boolean;
  /** The whole legs: a thigh is lifted towards the camera (legBend.ts `thighLiftedTowardsCamera`) and no garment spans the legs; the lower legs then go with their thighs. */
  legs: boolean;
}

/** The limbs of one proxy, in part order 1..N: the arms and feet, then the whole legs or the lower legs as `split` says. */
export function proxyLimbs(split: LegSplit): readonly LimbSpec[] {
  return split.legs ? [...PROXY_LIMBS, ...LEG_LIMBS] : split.shins ? [...PROXY_LIMBS, ...SHIN_LIMBS] : PROXY_LIMBS;
}

/**
 * Whether the lower legs (shins and feet) of the two legs come within `contact` of each other in the posed body: crossed or
 * touching calves, a stride's back knee behind the front shin.
 */
export function shinsTouch(bodyPositions: ArrayLike<number>, partLabels: ArrayLike<number>, contact: number): boolean {
  const left: number[] = [], right: number[] = [];
  for (let v = 0; v < partLabels.length; v++) {
    const p = partLabels[v]!;
    const side = p === PART_INDEX.leftLowerLeg || p === PART_INDEX.leftFoot ? left : p === PART_INDEX.rightLowerLeg || p === PART_INDEX.rightFoot ? right : null;
    side?.push(bodyPositions[v * 3]!, bodyPositions[v * 3 + 1]!, bodyPositions[v * 3 + 2]!);
  }
  if (left.length === 0 || right.length === 0) return false;
  const index = new PointIndex(Float32Array.from(left), Math.max(contact, 0.01));
  for (let i = 0; i < right.length; i += 3) if (index.distanceWithin(right[i]!, right[i + 1]!, right[i + 2]!, contact) < contact) return true;
  return false;
}

/** Part index of the rest of the body. */
export const PROXY_REST = 0;

const NO_OVERLAP = 0, REST_INTO_LIMB = 1, LIMB_INTO_REST = 2;
/**
 * Which side of a seam reaches over it, by the piece that claims the sample. Sleeves: the rest reaches into them. Hands:
 * neither — a hand resting on the hip kept a hand-shaped bump of hip when the rest reached into it, and carried a slab of
 * hip away when it reached into the rest (benchmark subject 1's walk views, IoU −0.01 and −0.04). Feet: the foot reaches
 * into the rest — the rest reaching into both shoes bridged feet standing together with a sheet (man-skirt-leather), and
 * with no overlap the seam notched subject 2's photo silhouette (0.951 → 0.948).
 */
const OVERLAP_OF: Record<keyof LimbPartitionSettings, number> = {
  armReach: REST_INTO_LIMB, handReach: NO_OVERLAP, footReach: LIMB_INTO_REST, shinReach: REST_INTO_LIMB, legReach: REST_INTO_LIMB,
  kneeSeamRadius: NO_OVERLAP, hipSeamRadius: NO_OVERLAP,
  shoulderSeamRadius: NO_OVERLAP, ankleSeamRadius: NO_OVERLAP, partOverlap: NO_OVERLAP,
};

/** Limb part of each body vertex (0 = rest, k = limbs[k − 1]) from its part label. */
export function bodyLimbs(partLabels: ArrayLike<number>, limbs: readonly LimbSpec[] = PROXY_LIMBS): Uint8Array {
  const out = new Uint8Array(partLabels.length);
  for (let v = 0; v < partLabels.length; v++)
    limbs.forEach((limb, k) => { if (limb.pieces.some((p) => p.parts.includes(partLabels[v]!))) out[v] = k + 1; });
  return out;
}

/**
 * The field of each part (rest first, then `limbs`): max(field, cut of the part) — the part's own occupancy,
 * closed where its cell ends. Samples with field ≥ `2·spacing` are far outside everything and copied unchanged.
 * `sleeveBoosts[k]`, where given, widens limb k's sleeve (its `armReach` piece) by its value at each sample (raisedSleeve.ts).
 */
export function limbFields(
  field: ScalarGrid, bodyPositions: ArrayLike<number>, partLabels: ArrayLike<number>, settings: LimbPartitionSettings, limbs: readonly LimbSpec[] = PROXY_LIMBS,
  sleeveBoosts: ReadonlyArray<ReachBoost | null> = [],
): ScalarGrid[] {
  const pickPoints = (parts: number[]): Float32Array => {
    const pts: number[] = [];
    for (let v = 0; v < partLabels.length; v++) if (parts.includes(partLabels[v]!)) pts.push(bodyPositions[v * 3]!, bodyPositions[v * 3 + 1]!, bodyPositions[v * 3 + 2]!);
    return Float32Array.from(pts);
  };
  const pick = (parts: number[]): PointIndex => new PointIndex(pickPoints(parts), 0.05);
  const limbParts = new Set(limbs.flatMap((l) => l.pieces.flatMap((p) => p.parts)));
  const rest = pick([...BODY_PARTS.keys()].filter((p) => !limbParts.has(p)));
  const h = field.spacing, [nx, ny] = field.dims;
  // beyond its reach plus this margin a limb's reach term is clamped: a sample that far from a limb is never claimed by it
  const margin = 2 * h;
  const pieces = limbs.map((l, k) => l.pieces.map((p) => {
    const pts = pickPoints(p.parts), reach = settings[p.reach];
    const boost = p.reach === 'armReach' ? sleeveBoosts[k] ?? null : null;
    return { index: new PointIndex(pts, 0.05), near: nearMask(field, pts, reach + (boost?.max ?? 0) + margin), reach, boost, overlap: OVERLAP_OF[p.reach] };
  }));
  const L = limbs.length;
  // where a part's cut meets its outer surface the tetrahedra round the corner off, and without overlap those notches show
  // along every seam (photo IoU −0.003 to −0.007): one of the two parts reaches this far into the other's cell (OVERLAP_OF)
  const overlap = settings.partOverlap * h;
  const out = Array.from({ length: L + 1 }, () => Float32Array.from(field.values));
  const claim = new Float64Array(L), dist = new Float64Array(L), mode = new Uint8Array(L);
  for (let i = 0; i < field.values.length; i++) {
    const v = field.values[i]!;
    if (v >= 2 * h) continue;
    const x = field.origin[0] + (i % nx) * h, y = field.origin[1] + (Math.floor(i / nx) % ny) * h, z = field.origin[2] + Math.floor(i / (nx * ny)) * h;
    // claim[k] < 0: within limb k's reach (refined below against the rest of the body)
    let claimed = false;
    for (let k = 0; k < L; k++) {
      let reach = Infinity, d = Infinity;
      for (const p of pieces[k]!) {
        const r = p.boost && p.near[i] ? p.reach + p.boost.at(x, y, z) : p.reach;
        const dp = p.near[i] ? p.index.distanceWithin(x, y, z, r + margin) : r + margin;
        if (dp - r < reach) mode[k] = p.overlap;
        reach = Math.min(reach, dp - r); d = Math.min(d, dp);
      }
      claim[k] = reach; dist[k] = d;
      if (reach < 0) claimed = true;
    }
    if (claimed) {
      const dRest = rest.distanceWithin(x, y, z, 1);
      for (let k = 0; k < L; k++) claim[k] = Math.max((dist[k]! - dRest) / 2, claim[k]!);
    }
    // the rest: outside as soon as a limb claims the sample
    let restCut = -Infinity;
    for (let k = 0; k < L; k++) restCut = Math.max(restCut, -claim[k]! - (mode[k] === REST_INTO_LIMB ? overlap : 0));
    out[0]![i] = Math.max(v, restCut);
    // a limb: its own claim, and outside where a nearer limb claims the sample too
    for (let k = 0; k < L; k++) {
      let cut = claim[k]! - (mode[k] === LIMB_INTO_REST ? overlap : 0);
      if (claimed) for (let o = 0; o < L; o++) if (o !== k) cut = Math.max(cut, Math.min((dist[k]! - dist[o]!) / 2, -claim[o]!));
      out[k + 1]![i] = Math.max(v, cut);
    }
  }
  return out.map((values) => ({ dims: field.dims, origin: field.origin, spacing: field.spacing, values }));
}

/** Samples of `grid` within `radius` (or a little more: whole cubes) of any of `points`: where a bounded query can find one. */
function nearMask(grid: ScalarGrid, points: Float32Array, radius: number): Uint8Array {
  const [nx, ny, nz] = grid.dims, h = grid.spacing;
  const mask = new Uint8Array(nx * ny * nz);
  const r = Math.ceil(radius / h);
  for (let p = 0; p < points.length; p += 3) {
    const cx = Math.round((points[p]! - grid.origin[0]) / h), cy = Math.round((points[p + 1]! - grid.origin[1]) / h), cz = Math.round((points[p + 2]! - grid.origin[2]) / h);
    for (let z = Math.max(0, cz - r); z <= Math.min(nz - 1, cz + r); z++)
      for (let y = Math.max(0, cy - r); y <= Math.min(ny - 1, cy + r); y++)
        mask.fill(1, (z * ny + y) * nx + Math.max(0, cx - r), (z * ny + y) * nx + Math.min(nx - 1, cx + r) + 1);
  }
  return mask;
}

/**
 * The part of a grid around its inside samples, one sample of outside on every side (so the surface of the crop is the
 * surface of the whole): limbs occupy a few percent of the grid, and marching only their box saves most of the work.
 * Null when nothing is inside.
 */
export function cropToInside(grid: ScalarGrid): ScalarGrid | null {
  const [nx, ny, nz] = grid.dims;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (!(grid.values[i]! < 0)) continue;
    if (x < lo[0]!) lo[0] = x; if (x > hi[0]!) hi[0] = x;
    if (y < lo[1]!) lo[1] = y; if (y > hi[1]!) hi[1] = y;
    if (z < lo[2]!) lo[2] = z; if (z > hi[2]!) hi[2] = z;
  }
  if (lo[0] === Infinity) return null;
  const a = [0, 1, 2].map((k) => Math.max(0, lo[k]! - 1)), b = [0, 1, 2].map((k) => Math.min(grid.dims[k]! - 1, hi[k]! + 1));
  const dims: [number, number, number] = [b[0]! - a[0]! + 1, b[1]! - a[1]! + 1, b[2]! - a[2]! + 1];
  const values = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) {
    const src = ((z + a[2]!) * ny + y + a[1]!) * nx + a[0]!;
    values.set(grid.values.subarray(src, src + dims[0]), (z * dims[1] + y) * dims[0]);
  }
  const origin: [number, number, number] = [grid.origin[0] + a[0]! * grid.spacing, grid.origin[1] + a[1]! * grid.spacing, grid.origin[2] + a[2]! * grid.spacing];
  return { dims, origin, spacing: grid.spacing, values };
}
