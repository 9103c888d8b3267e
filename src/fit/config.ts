/** Constants of the single-photo and per-frame body fit, in one place (docs/fit.md). */
export const FIT_CONFIG = {
  /** Field of view of the photo's long side when nothing better is known (degrees): a phone main camera. Video capture uses it;
   * a photo uses it only when it is not full-length or none of its trunk, thigh or shin keypoints is seen (else photoDistance,
   * photoCamera.ts). */
  defaultFovDeg: 55,
  /** The camera distance a full-length photo is taken from (metres): a 50 mm lens on full frame (39.6° on a portrait frame's
   * long side) frames a standing adult with 20 cm to spare at 2.2 m / (2 tan 19.8°) ≈ 3.05 m; a phone user steps back about as
   * far to get the feet in. The photo's field of view follows from it and the person's size in the image (photoCamera.ts). */
  photoDistance: 3,
  /** Bounds of that field of view (degrees): a telephoto crop to a phone's ultra-wide. */
  photoFovRange: [20, 75] as readonly [number, number],
  /** Robust (Geman–McClure) scale of keypoint residuals, as a fraction of the person's box height. */
  robustScale: 0.05,
  /** Keypoints with a confidence below this are ignored. */
  minConfidence: 0.3,
  /** Energy weights. */
  weights: {
    keypoints: 1,
    /**
     * Silhouette, model → matte: model vertices outside the matte (by the matte's distance transform).
     * The term is normalised by the person's height squared, hence the large weight. Chosen by a sweep on
     * the six synthetic subjects through real perception (bench/fit.ts, docs/fit.md): mean fitted limb
     * keypoint error against the ground truth 7.70 px at 0.3 → 5.15 px at 1e4; silhouette IoU 0.758 → 0.824.
     */
    silhouette: 10000,
    /**
     * Silhouette, matte → model: matte boundary samples far from the projected model. Much weaker than the
     * other direction: loose clothes, skirts and hair widen the matte beyond the body.
     */
    silhouetteIn: 100,
    /** Pose prior: squared axis-angle (radians²) of the non-root joints. */
    posePrior: 0.003,
    /** Knees bending forward (the wrong way). */
    jointLimits: 0.1,
    /** Shape prior: squared shape coefficients. */
    shapePrior: 0.002,
    /**
     * Photo fit: BlazePose world-landmark bone directions (worldDirection.ts; limbs and trunk sides), the
     * weight capture's per-frame fit uses (docs/capture.md). Issue #19: depth of limbs and lean of the trunk.
     */
    worldDirections: 0.3,
    /** Sequences: squared change of joint rotations from the previous frame. */
    temporal: 0.02,
  },
  /**
   * Sex prior of the body shape (phenotypePrior.ts, issue #19). The face-description model's confidence is
   * 2·|p − 0.5|: below minConfidence the prior stays neutral; at fullConfidence and above the prior's centre is
   * the fully male/female gender value. axisWeight stiffens the shape prior along the gender axis (the
   * isotropic shapePrior is 0.002: without more, the chest depth — unseen from the front — stays at the
   * population mean, which is half female).
   */
  sexPrior: {
    minConfidence: 0.2, fullConfidence: 0.6, axisWeight: 0.05,
    /**
     * Body evidence: fit the shape as a man and as a woman and let the better fit vote (phenotypePrior.ts
     * combineSexEvidence); bodyScale is the relative energy difference that counts as a strong vote (tanh(1)).
     * Off, measured (scripts/sex-evidence.ts, bench/results/sex-evidence.json, docs/fit.md "What the sex decision
     * sees"): on, it gets 5 of the 6 synthetic subjects right (face alone: 3) but misreads 4 of the 20 real photos
     * (face alone: none) — the fit energy favours the female body on 7 of the 10 real men. It also costs a second
     * shape stage, and picking the full-strength trial moved the forearm proportion of a gender-0.3 body by 8 % in
     * test/fit/fit.test.ts.
     */
    bodyEvidence: false, bodyScale: 0.05,
  },
  /**
   * Per-limb depth-ordering check (depthOrder.ts, issue #19): a segment whose ends BlazePose's world landmarks
   * put at least minGap metres apart in depth, and which the fit orders the other way by more than tolerance
   * metres, makes its part uncertain and multiplies the part's confidence by penalty. minGap: BlazePose's world
   * depth is coarse (a few centimetres on the synthetic subjects' straight limbs); 8 cm is about half a forearm's
   * depth swing at 30°. Chosen, not tuned (no ground truth of depth order on the real photos).
   */
  depthOrder: { minGap: 0.08, tolerance: 0.02, penalty: 0.5 },
  /** Adam learning rates. */
  lr: { rotation: 0.02, translation: 0.01, shape: 0.03 },
  /** Adam moments and ε of the fit: PyTorch's `torch.optim.Adam` defaults, with which the fitter was tuned. */
  adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  /**
   * Iterations of the single-photo schedule: camera/orientation, then pose, then shape (+ pose). The pose stage runs
   * from two starts and keeps the one of lower energy (fitImage.ts, issue #19): with the matte from the start, and
   * after poseKeypointsFirst iterations on keypoints alone (0: one start only). poseKeypointsFirst = 60 chosen on the
   * jumps (scripts/fit-real.ts, docs/fit.md "Dynamic poses"): as the only schedule, 60 and 150 keypoint-only
   * iterations gave man-jump-yellow 11.7 / 11.3 px (20.8 before), man-jump-red 7.8 / 7.6 (13.3), woman-athlete-jump
   * 6.8 / 20.1 (14.7): 60 is enough to bring the limbs to their keypoints, more lets some drift off.
   */
  stages: { global: 60, poseKeypointsFirst: 60, pose: 150, shape: 150 },
  /** Iterations per frame in sequences (warm-started from the previous frame). */
  frameIterations: 50,
  /** Every k-th vertex takes part in the silhouette term (speed). */
  silhouetteStride: 3,
  /** Hand vertices weigh their share of the surface in the silhouette term, not 1 each (vertexWeights.ts). */
  silhouetteAreaWeighted: true as boolean,
} as const;

/**
 * The photo's own expression from its face mesh (expression.ts). One photo has no neutral frame to compare with,
 * so the neutral face is a fixed reference: the features (perceive/faceFeatures.ts) of the six synthetic subjects
 * (src/bench/subjects.ts) photographed in their photo pose with a neutral face (512×768, faces 86–94 px tall),
 * and the gains are their mean changes with each named expression at weight 1 (all six subjects; scripts in
 * /work/notes/faces.md). Real faces vary more than six synthetic ones: neutral mouth width varied 0.328–0.353 here.
 */
export const PHOTO_EXPRESSION_CONFIG = {
  /** Neutral inner-lip gap over the outer-eye-corner distance (mean of six subjects; range 0.032–0.086). */
  neutralGap: 0.052,
  /** Neutral mouth width over the cheek width (mean; range 0.328–0.353, sd 0.009). */
  neutralWidth: 0.341,
  /** aa at weight 1 opens the lip gap by this much (mean; 0.25–0.43 over the subjects). */
  aaGap: 0.362,
  /** smile at weight 1 widens the mouth by this much (mean; 0.096–0.124). */
  smileWidth: 0.11,
  /** Mouth widening per unit of lip-gap opening (aa: +0.021 width for +0.362 gap). */
  widthPerGap: 0.058,
  /** A face mesh below this detector score gives no estimate. */
  minFaceScore: 0.5,
  /**
   * Estimates below these are read as noise and not applied to the fit's expression (issue #25). Synthetic
   * (test/fit/photoExpression.test.ts, subjects 0, 2, 4): neutral photos read smile ≤ 0.11 and aa ≤ 0.09; smiling
   * photos read aa up to 0.22 (a smile parts the lips a little). Real photos (scripts/photo-expression-real.ts on the
   * 21-photo set, docs/fit.md): neutral faces read smile up to 0.34 (0.84 under a moustache) and aa up to 0.23;
   * the broad smiles and laughs read smile 0.83–1.00 and aa 0.31–0.33, a slight smile 0.38.
   */
  applyAbove: { aa: 0.25, smile: 0.4 } as Record<string, number>,
} as const;
