/**
 * The colours of the torso's sides, by height, as the photo shows them: the prior for the torso's back where the
 * front is not what the back looks like. Mirroring the front onto the back (unwrap.ts rule 2) puts an open
 * jacket's shirt, a T-shirt's print or a V-neck's skin on the person's back; the garment that wraps around to the
 * back is the one the photo shows at the torso's sides (grazing texels, seen at a low facing ratio).
 *
 * The back is cut into cells (sideBinMetres high and wide). A cell takes the sides' colour when, over the sides'
 * texels within sideSearchBins bins of its height, both sides are seen and the cell's mean mirrored colour lies outside what the
 * sides show (where the two sides are unlike each other, between the shoulders and the waist, outside what the cell's own side
 * shows, whose colour it then takes): farther from their mean chromaticity (rgb / (r+g+b+ε)) than
 * max(sideChroma, sideSpread × their spread), or its brightness farther from theirs, in log ratio, than
 * max(log(1/sideShade), sideSpread × their spread). Shading scales brightness, not hue, hence the ratio; a pattern
 * (stripes, dots, plaid) spreads the sides' colours, so its mirror stays; a plain jacket's sides do not, so the
 * white shirt between its lapels goes.
 *
 * An open garment whose flap on one side flies off the body (texture stage 15, `openGarment`): the torso's side under that
 * flap shows the layer between the flaps, the same as the front's centre (the back's two middle columns of cells, mirrored),
 * and the other side the garment. Where the two sides are a hue apart (chromaticity farther than sideChroma: not a lit side
 * and a shaded one) and the centre is like exactly one of them, every cell of the back at that height whose mirror is unlike
 * the other side takes the other side's colour, from the shoulders down to the waist (sideOwnAbove; the shoulders
 * included: the centre's likeness is the evidence the sides alone lack there; not the hips, where the trousers' waistband
 * shows at the front's centre and on one side: synthetic ben's lower back turned his shirt's green).
 */

/** The frame side colours are binned in: height along a camera's image-down axis, lateral along its image-right axis from the
 * centre of a set of points (their mean), and the set's height range. */
export interface SideFrame {
  height: (x: number, y: number, z: number) => number;
  lateral: (x: number, y: number, z: number) => number;
  low: number;
  high: number;
}

/** The {@link SideFrame} of the points `P` (x, y, z each) listed in `indices`, seen by a camera of rotation `R` (row-major);
 * null when the list is empty. */
export function sideFrame(R: ArrayLike<number>, P: ArrayLike<number>, indices: Iterable<number>): SideFrame | null {
  const height = (x: number, y: number, z: number): number => R[3]! * x + R[4]! * y + R[5]! * z;
  const across = (x: number, y: number, z: number): number => R[0]! * x + R[1]! * y + R[2]! * z;
  let low = Infinity, high = -Infinity, centre = 0, n = 0;
  for (const v of indices) {
    const h = height(P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!);
    low = Math.min(low, h); high = Math.max(high, h);
    centre += across(P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!); n++;
  }
  if (n === 0) return null;
  centre /= n;
  return { height, lateral: (x, y, z) => across(x, y, z) - centre, low, high };
}

/** Thresholds of {@link SideColours} (unwrap.ts UNWRAP holds the values used, with their reasons). */
export interface SideColourSettings {
  /** Height of a bin, and height and width of a back cell (metres). */
  sideBinMetres: number;
  /** The sides' colours are pooled over this many bins above and below a cell's, each side holding at least sideMinTexels. */
  sideSearchBins: number;
  sideMinTexels: number;
  /** Least chromaticity distance and brightness ratio that count as another colour (see the module comment). */
  sideChroma: number;
  sideShade: number;
  /** How many spreads (standard deviations of the sides' chromaticity or log brightness) count as another colour. */
  sideSpread: number;
  /** Where the sides disagree, a cell takes its own side's colour only between these fractions of the torso's height from the top. */
  sideOwnBelow: number;
  sideOwnAbove: number;
  /** Where the sides are a hue apart and the front's centre is like one of them, the back takes the other (an open garment;
   * the module comment). Default off. */
  openGarment?: boolean;
}

/** ε of the chromaticity and brightness (keeps near-black colours, whose hue is noise, alike). */
const EPSILON = 0.05;

/** Per side and bin: count, r, g, b, chromaticity r, g, b, Σ|chromaticity|², Σ log brightness, Σ (log brightness)². */
const STRIDE = 10;

/** Colour statistics of a set of texels (see {@link SideColours}). */
interface ColourStats {
  rgb: [number, number, number];
  chroma: [number, number, number];
  chromaSpread: number;
  logBrightness: number;
  logSpread: number;
}

/** Side colours binned by height, and the back's mirrored colours by cell (see the module comment). */
export class SideColours {
  private readonly sums: Float64Array; // per bin: left STRIDE, right STRIDE
  private readonly bins: number;
  private readonly cells = new Map<number, Float64Array>(); // back cell → STRIDE sums of its mirrored colours
  private readonly decided = new Map<number, readonly number[] | null>(); // back cell → the sides' colour it takes, or null

  /**
   * @param low the lowest height (camera image-down coordinate, metres) of the torso
   * @param high the highest
   * @param settings the thresholds
   */
  constructor(private readonly low: number, private readonly high: number, private readonly settings: SideColourSettings) {
    this.bins = Math.max(1, Math.ceil((high - low) / settings.sideBinMetres) + 1);
    this.sums = new Float64Array(this.bins * 2 * STRIDE);
  }

  /** Adds a seen side texel at `height`, on the left (lateral < 0) or right of the torso's centre. */
  add(lateral: number, height: number, rgb: ArrayLike<number>): void {
    accumulate(this.sums, (this.bin(height) * 2 + (lateral < 0 ? 0 : 1)) * STRIDE, rgb);
  }

  /** Adds a back texel's mirrored colour (all of them before the first {@link backColour}: a cell's decision is kept). */
  addMirror(lateral: number, height: number, rgb: ArrayLike<number>): void {
    const k = this.cell(lateral, height);
    let s = this.cells.get(k);
    if (!s) this.cells.set(k, (s = new Float64Array(STRIDE)));
    accumulate(s, 0, rgb);
  }

  /**
   * The colour the back takes at (`lateral`, `height`), written to `out`: true when the sides replace the mirror there
   * (see the module comment); false (out untouched) otherwise.
   */
  backColour(lateral: number, height: number, out: number[] | Float32Array): boolean {
    const key = this.cell(lateral, height);
    let colour = this.decided.get(key);
    if (colour === undefined) this.decided.set(key, (colour = this.decide(key, this.bin(height))));
    if (!colour) return false;
    for (let c = 0; c < 3; c++) out[c] = colour[c]!;
    return true;
  }

  /** The sides' colour that back cell `key` (in height bin `b0`) takes, or null where its mirror stays (the module comment). */
  private decide(key: number, b0: number): readonly number[] | null {
    const cellSums = this.cells.get(key);
    if (!cellSums) return null;
    const w = this.settings.sideSearchBins;
    const left = new Float64Array(STRIDE), right = new Float64Array(STRIDE);
    for (let b = Math.max(0, b0 - w); b <= Math.min(this.bins - 1, b0 + w); b++)
      for (let i = 0; i < STRIDE; i++) { left[i]! += this.sums[b * 2 * STRIDE + i]!; right[i]! += this.sums[(b * 2 + 1) * STRIDE + i]!; }
    if (left[0]! < this.settings.sideMinTexels || right[0]! < this.settings.sideMinTexels) return null;
    const both = left.map((v, i) => v + right[i]!);
    const sides = stats(both), l = stats(left), r = stats(right), cell = stats(cellSums);
    if (this.within(l, r) && this.within(r, l)) return this.within(cell, sides) ? null : sides.rgb;
    // the sides disagree (an open coat's lit side and its shaded lining, man-tancoat-dance)
    // an open garment: one side shows what the front's centre shows, the layer between the flaps (the flap on that side
    // flies off the body: man-tancoat-dance, woman-coat-walk), the other side the garment itself — a hue apart, not a lit
    // side and a shaded one — so the whole back takes the garment's side where its mirror is unlike it, down to the waist
    const depth = (b0 * this.settings.sideBinMetres) / (this.high - this.low);
    if (this.settings.openGarment && depth <= this.settings.sideOwnAbove && this.hueApart(l, r)) {
      const centre = this.centre(b0);
      if (centre) {
        const likeLeft = this.within(centre, l), likeRight = this.within(centre, r);
        if (likeLeft !== likeRight) { const outer = likeLeft ? r : l; return this.within(cell, outer) ? null : outer.rgb; }
      }
    }
    // otherwise each half of the back takes its own side's colour, where the mirror is unlike that side too, between the
    // shoulders and the waist (sideOwnBelow, sideOwnAbove)
    if (depth < this.settings.sideOwnBelow || depth > this.settings.sideOwnAbove) return null;
    const own = cellIsRight(key) ? r : l;
    return this.within(cell, own) ? null : own.rgb;
  }

  /** The mirrored colours of the back's two middle columns of cells (what the front's centre shows) within sideSearchBins of
   * bin `b0`, or null where none. */
  private centre(b0: number): ColourStats | null {
    const w = this.settings.sideSearchBins, sums = new Float64Array(STRIDE);
    for (let b = Math.max(0, b0 - w); b <= Math.min(this.bins - 1, b0 + w); b++)
      for (const k of [b * CELLS_PER_BIN + LATERAL_OFFSET - 1, b * CELLS_PER_BIN + LATERAL_OFFSET]) {
        const c = this.cells.get(k);
        if (c) for (let i = 0; i < STRIDE; i++) sums[i]! += c[i]!;
      }
    return sums[0]! > 0 ? stats(sums) : null;
  }

  /** Whether the two sides' mean chromaticities lie farther apart than sideChroma (another hue, not another shade). */
  private hueApart(a: ColourStats, b: ColourStats): boolean {
    return Math.hypot(a.chroma[0] - b.chroma[0], a.chroma[1] - b.chroma[1], a.chroma[2] - b.chroma[2]) > this.settings.sideChroma;
  }

  /** Whether the mean colour of `a` lies within what `ref` shows (its spread, or the least distances). */
  private within(a: ColourStats, ref: ColourStats): boolean {
    const s = this.settings;
    const chroma = Math.hypot(a.chroma[0] - ref.chroma[0], a.chroma[1] - ref.chroma[1], a.chroma[2] - ref.chroma[2]);
    const light = Math.abs(a.logBrightness - ref.logBrightness);
    return chroma <= Math.max(s.sideChroma, s.sideSpread * ref.chromaSpread) && light <= Math.max(Math.log(1 / s.sideShade), s.sideSpread * ref.logSpread);
  }

  private bin(height: number): number {
    return Math.min(this.bins - 1, Math.max(0, Math.floor((height - this.low) / this.settings.sideBinMetres)));
  }

  private cell(lateral: number, height: number): number {
    return this.bin(height) * CELLS_PER_BIN + Math.floor(lateral / this.settings.sideBinMetres) + LATERAL_OFFSET;
  }
}

/** A back cell's key: its height bin × CELLS_PER_BIN + its lateral cell + LATERAL_OFFSET (lateral cells offset by 2¹⁰ so
 * that the key stays non-negative; a torso is far narrower than 2¹⁰ cells). */
const CELLS_PER_BIN = 2048, LATERAL_OFFSET = 1024;

/** Whether back cell `key` lies right of the torso's centre (lateral ≥ 0). */
function cellIsRight(key: number): boolean {
  return key % CELLS_PER_BIN >= LATERAL_OFFSET;
}

function accumulate(sums: Float64Array, o: number, rgb: ArrayLike<number>): void {
  const b = rgb[0]! + rgb[1]! + rgb[2]! + EPSILON;
  sums[o]! += 1;
  let c2 = 0;
  for (let c = 0; c < 3; c++) { sums[o + 1 + c]! += rgb[c]!; sums[o + 4 + c]! += rgb[c]! / b; c2 += (rgb[c]! / b) ** 2; }
  sums[o + 7]! += c2;
  sums[o + 8]! += Math.log(b);
  sums[o + 9]! += Math.log(b) ** 2;
}

function stats(s: ArrayLike<number>): ColourStats {
  const n = Math.max(1, s[0]!);
  const chroma: [number, number, number] = [s[4]! / n, s[5]! / n, s[6]! / n];
  const logB = s[8]! / n;
  return {
    rgb: [s[1]! / n, s[2]! / n, s[3]! / n],
    chroma,
    chromaSpread: Math.sqrt(Math.max(0, s[7]! / n - (chroma[0] ** 2 + chroma[1] ** 2 + chroma[2] ** 2))),
    logBrightness: logB,
    logSpread: Math.sqrt(Math.max(0, s[9]! / n - logB * logB)),
  };
}
