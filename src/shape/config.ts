/**
 * Settings of the clothed proxy (stage `shape`), each with its reason. The prior for what one view cannot
 * see is written down in docs/shape.md; the numbers here are its parameters.
 */
export const SHAPE_CONFIG = {
  /** Long side (px) of the matte and body depth maps the carving works on: 3–4 mm a pixel on a standing person. */
  carveLongSide: 512,
  /** Voxel edge (metres) of the occupancy field. 2.5 cm gives a shell of ~10–14k vertices, about the body template's
   * 13.5k, so each preset subdivides the proxy as often as it did the body for a like number of Gaussians; the silhouette
   * stays sub-voxel because the matte enters as a signed distance (photo IoU 0.963–0.968 on subjects 0 and 4, against
   * 0.976–0.980 at 1.5 cm with 2.3× the vertices; bench:shape). Hands and face come from the template. */
  voxelSize: 0.025,
  /** Space around the posed body's box (metres): skirts, coats and hair reach at most this far out (a full skirt's hem ~0.3 m). */
  padding: 0.32,
  /** A matte pixel within this distance (metres) of the body in its row is the body's own rim (fit error, tight clothes): it copies
   * the body's depth there instead of starting a loose cross-section. */
  tightRim: 0.02,
  /** Depth extent of loose clothing per metre of sideways overhang (cross-sections are ellipses; a garment that hangs 10 cm out to the
   * side hangs ~9 cm out in front and behind: a skirt's hem is close to round; measured on the synthetic full skirt (subject 4), 0.7 left its side-view IoU at 0.75). */
  overhangDepthRatio: 0.9,
  /** Most a garment reaches out in front or behind beyond the body above the hips (metres): wide runs on real photos (a coat over
   * arms held at the sides) otherwise grow ~20 cm deep balloons. Below the hips skirts flare freely (subject 4's side view: 0.73 with
   * the cap, 0.79 without). */
  maxOverhangDepth: 0.1,
  /** Most a loose run around bent legs (a jump, a kick, sitting: no skirts) reaches out in front or behind the legs it follows
   * (metres). Image rows run along a bent shin rather than across it, so the row's overhang (up to 10 cm where the matte
   * reaches past a fitted shoe or knee) is not the trouser's thickness: grown by it, the shins of man-jump-red and
   * man-suit-dance got blobs 20 cm thick that hung off them in canonical pose (docs/shape.md). */
  bentLegOverhangDepth: 0.03,
  /** Below the hips, a run none of whose pixels lies farther than this (metres) from the body in its row is not a skirt: its gaps
   * between the legs are bridged and its rim rounds off the body's own depth (slabs.ts bridgeRun). The demo's leggings have a 2.5 cm
   * rim (5 px at 5 mm/px) beside the outer thigh where the fitted leg is narrower than the matte, and a 2–3 cm thigh gap the fit
   * opens 4 rows above the photo's: with the skirt rule those rows became a round cross-section 32 cm deep, a flap 4–6 cm out in
   * front and behind the hips. A first version tested only the overhang past the legs' outer edges and split woman-plaid-skirt's
   * skirt (legs set wide apart inside it; photo IoU 0.952 → 0.916). */
  bridgeRim: 0.03,
  /** Below the hips an arm whose inner edge lies at most this far (metres) beside the legs hangs beside the garment, not on it: the
   * garment's cross-section is the run between such arms (slabs.ts garmentCore). man-coat-beard's hands hang 3–7 cm from his legs
   * beside his coat; woman-dress-stairs holds her skirt out 30 cm from hers. */
  handBesideGarment: 0.08,
  /** Below the hips a loose cross-section is at least this deep (half-axis) per unit of its half-width: a skirt, dress or coat that
   * spans the legs is near round whatever it overhangs the legs' outer edges (the overhang rule alone made subject 2's hem an ellipse
   * ~0.6 as deep as wide, and its side view lost the skirt's front and back). Swept on subjects 2 and 4 (bench:shape, mean of 8
   * novel-view IoUs): 0.6 → 0.880, 0.68 → 0.884, 0.75 → 0.889, 0.9 → 0.883, 1.0 → 0.875. */
  skirtRoundness: 0.75,
  /** A garment below the hips spans the legs (a skirt, dress or coat: slabs.ts `spansLegs`) when its matte covers the gap between the
   * fitted legs over at least this height (metres); less is a fit that opened the legs a little where the photo's trousers touch
   * (man-tee-cluttered: 6 cm of such rows below a T-shirt; the real-photo set's skirts, dresses and coats span 13–60 cm). */
  skirtSpanMin: 0.1,
  /** Loose surface of a garment that spans the legs hangs from the waist and is pushed by the thighs: its leg skinning is moved from
   * the knees down onto the thigh of the same leg, and at most this share of its weight stays on the thighs (the rest goes to the
   * pelvis). With the diffused volume alone a long skirt's hem was skinned 93 % to the calves (subject 4) and moved like trousers:
   * in generated and novel frames the skirt swept after one leg and the other calf came out through it. Half is where a hem panel
   * between the legs still follows each thigh a quarter, and a side panel half its own thigh's swing. */
  skirtLegWeight: 0.5,
  /** …but only while the photo's legs hang nearly straight: fully up to the first angle (degrees: the largest, over both legs, of
   * the thigh's angle from the trunk's down direction and the knee's bend), not at all beyond the second. The proxy is unposed through
   * its skinning, and a weight moved from a shin onto a thigh bent 90° against it blends two far-apart bone transforms: unposing
   * through that near-singular blend threw man-jump-red's bent legs (94°) out into flat panels a metre long in generated frames.
   * A fit whose legs miss the photo's also makes their matte look like a skirt (woman-beige-trousers mid-stride, 45°). On the
   * real-photo set the standing photos bend 12–29° (fits bend the knees a little under skirts: synthetic subject 4 23°), strides,
   * jumps, kicks and sitting 42–121°. Beyond the second angle no region below the hips is a skirt at all (slabs.ts `skirtsAllowed`):
   * matte beyond bent legs follows the legs' own depth, as a loose top does above the hips — the round skirt cross-sections had
   * turned the misfitted legs of every jump, kick and stride of the set into blobs. */
  waistHangLift: [30, 40] as readonly [number, number],
  /** Half thickness floor (metres) of a loose cross-section at its silhouette ends, so the field resolves the matte's edge there. */
  minHalfThickness: 0.012,
  /** Hair behind the shoulders: drawn when the matte beside the neck is wider than the body by at least this much on each side (metres). */
  hairSideMin: 0.03,
  /** Length of the hair lying on the back below the shoulder line, in chin-to-shoulder-line distances (a single view cannot see it:
   * the prior takes shoulder-blade length, between a bob and waist-long hair). */
  hairLengthFactor: 1.2,
  /** Hair the matte shows beside the neck (both sides together at least hairSideMin wide) over at least this share of the span from
   * the chin to three quarters of the way to the shoulder line falls onto the back (the layer above); hair that stops higher is a
   * bob and ends on the back where it stops beside the neck. Measured on the synthetic subjects' photos (true body | fitted body):
   * the long hair of subject 0 reaches 0.70 | 0.55, of subject 4 0.65 | 0.47 (below that the widening shoulders hide it), subject
   * 2's bob 0.27 | 0.33 — whose long layer, once coloured as hair, hung a black curtain down its back (novel clothing PSNR 14.0 →
   * 13.2 dB). */
  hairShoulderReach: 0.4,
  /** Thickness of the hair layer on the back (metres). */
  hairThickness: 0.035,
  /** A collar is not hair (hairColour.ts): matte beside the jaw and neck nearer the chest's colour than the crown's is not hair. The
   * crown is this top share of the matte between its highest row over the head and the head joint (short hair covers about the
   * top third of the head in front view). */
  hairCrownShare: 0.3,
  /** The chest's colour is read from this band between the shoulder line (0) and the hip joints (1): below the collar, above a belt. */
  hairTorsoBand: [0.2, 0.5] as readonly [number, number],
  /** Crown and chest colours (RGB in [0,1], Euclidean) closer than this cannot tell hair from clothing: every pixel stays possible
   * hair (black hair on a black coat). Measured on the real photos: man-coat-beard's dark hair against his green coat 0.20,
   * woman-maxi-skirt's blonde hair against her blue-white shirt 0.33; below the threshold man-trench-kick 0.04, three-friends
   * 0.08 and man-hoodie-sitting 0.10 (dark hair, dark tops). */
  hairColourContrast: 0.12,
  /** Colours are read this many carving pixels inside the matte (its outline mixes in the backdrop). */
  hairColourInset: 2,
  /** Proxy vertices within this distance (metres) of the body surface follow the body exactly (skin, tight clothing). */
  hugDistance: 0.015,
  /** Distance (metres) over which a vertex blends from the body's own skinning to the diffused skinning volume. */
  skinBlendDistance: 0.03,
  /** Distance (metres) at which a vertex is fully free for cloth dynamics (freedom 1). */
  freeDistance: 0.08,
  /** A loose sleeve: loose surface whose nearest body point is on an arm and within this distance of it (metres) follows the arm;
   * all other loose surface (a coat over hanging arms, arms crossed, a skirt beside a hand) follows the trunk only. Seen on the
   * synthetic long skirt: with the hands beside it, skirt within 6 cm of a hand followed the hand and flapped in generated frames. */
  armReach: 0.06,
  /** A raised arm (raisedSleeve.ts) claims loose surface this far (metres) from its upper arm and forearm where the photo's colour
   * rules out hair: nothing hangs from the shoulders beside a raised arm, and a puffy sleeve reaches beyond `armReach`
   * (woman-print-dress's balloon sleeve: up to 10 cm beyond the fitted arm; docs/shape.md *A raised arm's sleeve reaches by the photo's colour*). */
  raisedArmReach: 0.12,
  /** …and only this far (metres) where the colour may be hair: hair lies against a raised forearm (a hand in the hair), and what
   * the arm claims moves with it. 2 cm, as `tightRim`: nearer the fitted limb the matte counts as the limb itself (slabs.ts). */
  raisedArmHairReach: 0.02,
  /** An arm counts as raised when its upper arm points above the trunk's horizontal plane by at least this sine (15°)… */
  raisedArmSine: 0.26,
  /** …or when its forearm points up by at least this sine (30°: a hand lifted to the head, the elbow below the shoulder). */
  raisedForearmSine: 0.5,
  /** The raised sleeve's reach goes from `raisedArmHairReach` to `raisedArmReach` with the share of not-hair pixels in a box of
   * this half-width (carving pixels; 3 px ≈ 1.3 cm at 512 px for a 1.7 m figure) around the point's projection. */
  raisedSleeveSmoothPx: 3,
  /** Limb partition (partition.ts): a hand claims only surface this close to it (metres), so a skirt, a pocket or hair beside a hand
   * stays with the body; sleeves are claimed within `armReach` of the upper arm and forearm. bench:shape, subject 1 (a hand on the
   * hip) walk views: 1.5 cm left a bump of hip where the hand rested (side IoU 0.969), 3 cm 0.975 (before the partition 0.979);
   * the skirted subjects 2 and 4 equal or better. */
  handReach: 0.03,
  /** A foot claims surface this close to it (metres): a shoe (platform soles on the development photos reach ~4 cm below the foot). */
  footReach: 0.04,
  /** Around each shoulder joint an arm's part and the rest meet; within this radius (metres) their skinning is not restricted to
   * their own bones, fading to fully restricted at twice it (the deltoid and armpit lie 5–12 cm from the joint on the template). */
  shoulderSeamRadius: 0.08,
  /** The same around each ankle joint (the ankle's own skin lies within ~5 cm of it). */
  ankleSeamRadius: 0.05,
  /** Across a seam between limb parts one part reaches this many voxels into the other's cell (partition.ts, OVERLAP_OF): with 0 the rounded corners where a cut
   * meets the outer surface notch every seam (bench:shape photo IoU 0.944–0.974 instead of 0.951–0.980). */
  partOverlap: 1,
  /** Lower legs that touch in the photo are carved apart (partition.ts `proxyLimbs`): when the fitted shins (or feet) of the two legs
   * come this close (metres) and no garment spans the legs. Carved as one part, calves crossed or touching in the photo fused, and
   * unposing stretched the joint into a sheet between the calves (woman-stripes' avatar: 127 black Gaussians weighted half to each
   * calf; woman-beige-trousers' proxy: a band). Legs apart (the synthetic subjects, most standing photos) are left as they were:
   * carving every pair of shins cost the tight-clothed synthetic subjects 0.001–0.004 of photo and novel IoU at the knee seams. */
  shinContact: 0.05,
  /** A lower leg carved apart claims surface this close to its shin (metres): wide trousers reach 5–8 cm past the fitted leg (at
   * 4 cm woman-beige-trousers' band came back as a panel between the calves). */
  shinReach: 0.08,
  /** Around each knee joint a lower leg's part and the rest meet (as `shoulderSeamRadius`). */
  kneeSeamRadius: 0.08,
  /** Whole legs are carved apart (partition.ts `proxyLimbs`, legBend.ts `thighLiftedTowardsCamera`) when no garment spans them and a
   * thigh points at least this far (degrees) from the trunk's down direction, and `legSplitDepth` out of the image plane: sitting, a
   * knee raised towards the camera. Carved with the trunk, a sitting person's lap fused with the belly and the canonical pose pulled it
   * into sheets from the hoodie to the knees (man-hoodie-sitting, sheetFraction 0.28; his thighs 98° and 118°). Standing and walking
   * thighs stay below ~40° on the 21 real photos (a stride's front thigh 41°), the synthetic subjects' below 40°. */
  legSplitLift: 50,
  /** …and at least this far (degrees) out of the image plane. A thigh lifted across the image lies beside the trunk, not in front of it:
   * man-trench-kick's kicked thigh (53° lifted, 17° into depth) carved apart cut off the coat's tail flying around it (photo IoU
   * 0.928 → 0.900); the sitting and raised-knee photos' lifted thighs point 28–62° into depth. */
  legSplitDepth: 25,
  /** A whole leg carved apart claims surface this close to its thigh or shin (metres): trousers, as `shinReach`. */
  legReach: 0.08,
  /** Around each hip joint a carved-apart leg and the rest meet (as `shoulderSeamRadius`). Measured on the three real photos whose legs
   * are carved apart (man-hoodie-sitting, woman-athlete-jump, man-suit-dance; canonical sheetFraction): 0.05 m → 0.034, 0.010, 0.021;
   * 0.1 m → 0.129, 0.075, 0.025; 0.15 m → 0.291, 0.147, 0.055 — a wider seam blends the lap's surface between pelvis and thigh, and
   * the canonical pose stretches it. */
  hipSeamRadius: 0.05,
  /** Tangential relaxation iterations evening out marching-tetrahedra triangles (moves vertices along the surface only). */
  relaxIterations: 4,
  /** Hands and face keep the template's own geometry: shell vertices whose nearest body vertex is a hand or face vertex at least
   * this many rings inside its region, within `hugDistance`·2, are replaced by the template's own hand and face. */
  spliceErodeRings: 2,
  /** Rings of body triangles added around the template's hands and face (they lie under the shell): the shell's triangles that
   * give way to the template reach up to a voxel beyond the eroded region, and without these rings the inside of the head showed
   * through the gap around the face (measured in canonical head close-ups: docs/shape.md, *How it is built*, step 4). */
  patchUnderlapRings: 3,
  /** A proxy triangle whose canonical area exceeds this many times its area in the photo's pose is counted as a sheet (ProxyStats
   * `sheetFraction`): surface joining parts the canonical pose pulls apart (a thigh against the trunk when sitting, a coat flap thrown
   * out). On the 21 real photos a clean proxy has 0.000–0.011 of its canonical area over 10×, man-hoodie-sitting 0.296 (docs/shape.md
   * *Sheets in the canonical pose*). A measure only: nothing is changed by it. */
  sheetStretch: 10,
  /** Unposing a loose vertex (proxy.ts unposeVertices): at or below this determinant of its blended skinning matrix it takes the
   * weighted mean of its joints' rigid unposings, at or above unposeExactAbove the exact inverse, smoothly mixed between. Two
   * rotations θ apart blended half and half have determinant cos²(θ/2): 0.6 at 78° (the old rigid switch's threshold), 0.9 at 37°
   * (where the exact inverse moves a point 1.05× as far from the bend as it is). */
  unposeRigidBelow: 0.6,
  unposeExactAbove: 0.9,
  /** … and for a vertex that hugs the body (freedom 0) the window lies this much lower, [0.3, 0.6]: its surface is near the one
   * skinning made, where the exact inverse is right, so it keeps the exact inverse down to the old switch's 0.6 (78° half and
   * half), but not into a degenerate blend (0.3: 114°). In between, by the freedom. */
  unposeHugShift: 0.3,
} as const;

export type ShapeConfig = { -readonly [K in keyof typeof SHAPE_CONFIG]: (typeof SHAPE_CONFIG)[K] extends number ? number : (typeof SHAPE_CONFIG)[K] };

/** Settings of the proxy's vertex colours (colors.ts, run by the texture stage). */
export const PROXY_COLOR_CONFIG = {
  /** Photo pixels closer than this to the matte's edge are not trusted (background bleeds in). */
  edgeMarginPx: 2,
  /** A vertex is seen when its normal faces the camera at least this much (cosine; grazing views smear). */
  minFacing: 0.25,
  /** A photo pixel where the fitted body's hand or forearm is the front-most surface shows that arm, not the clothing behind it,
   * unless the clothing lies more than this far (metres) in front of the arm. The carved shell wraps the matte, hand included, so the
   * skirt's or coat's surface lies at or in front of a hand resting on it: the depth test against the proxy alone let the skirt take
   * the hand's colour (synthetic subject 4, real photos with hands at the sides), and the generated frames showed skin-coloured
   * hand prints on the skirt wherever the arm moved away. */
  armOcclusionMargin: 0.05,
  /** The arm's pixels are grown by this many pixels (fit error at the hand's outline on real photos is a few pixels). */
  armDilatePx: 2,
  /** Clothing within this distance (metres) of the fitted body's hand is checked against the skin tone: on the synthetic skirted subject
   * with the fitted arms 6° off, skirt vertices up to 5 cm from the fitted hand showed the photo's hand. */
  handPrintReach: 0.06,
  /** A photo colour within this RGB distance of the skin tone is skin (the unwrap's skin tone is a median of the face's and hands'
   * texels; shading spreads a hand's colours about ±0.1). Clothing of the skin's own colour refilled by mistake takes its neighbours'
   * colour, which is the same colour. */
  skinToneDistance: 0.15,
  /** Smoothing passes over clothing vertices refilled from their neighbours after the nearest-neighbour fill (evens out seams). */
  refillSmoothPasses: 8,
  /** Unseen hair (the back of the head, the layer down the back) takes its colour from seen hair at least this far (metres) inside the
   * matte's outline. A hair volume's outline is fuzzy: strands let the background through, and the seen hair nearest to the unseen
   * back is that outline — woman-print-dress's afro against a pink backdrop came out with a magenta back of the head (981 of her
   * 2765 hair vertices pink). Without such donors the nearest seen hair gives its colour, as before. */
  hairDonorInset: 0.03,
  /** Between shell vertices coloured from the body texture, a point samples the texture at their mixed UVs only when those lie within
   * this distance (UV units) of their mix (detail.ts): one island. Measured on three real proxies (2026-12-08): the body's atlas spans
   * 1.8 m per UV unit (median over its edges; 0.9–2.6 m p10–p90); the nearest body vertices of a shell edge's two ends lie 0.005–0.008
   * apart in UV at the median, ≤ 0.035 at the 95th percentile, and 2.7–3.1 % of shell edges jump more than 0.1 (two islands). */
  textureUvSpan: 0.05,
} as const;
