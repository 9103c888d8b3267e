/** Constants of motion capture from video (docs/capture.md), with where each comes from. */
export const CAPTURE_CONFIG = {
  /** Output frame rate when a video's own rate cannot be read and none is given (the motion room's MOTION_FPS). */
  defaultFps: 30,
  /** Frame files a frames folder may hold (decoded with sharp). */
  frameExtensions: ['.png', '.jpg', '.jpeg', '.webp'],
  /** Identity tracking: a frame's person must overlap the previous frame's box by at least this IoU. */
  minTrackIoU: 0.3,
  /** After this many consecutive lost frames the people detector re-acquires the person on the whole frame. */
  redetectAfter: 1,
  /**
   * After a *jumped* frame, re-acquisition first retries the crop of the last box (track.ts). lindy-hop: after the
   * jump on frame 40 the detector's candidate nearest the last box held both embracing partners and its crop gave the
   * man; the last box's crop gave the woman followed until then (IoU 0.46). After *no-person* frames the retry is not
   * made: on street-hug-walk it kept the tight crop that had lost the hugging woman, and 5 of 62 frames were lost
   * instead of 1.
   */
  retryAfterJump: true,
  /** BlazePose pose score below which a frame counts as "person lost" (MediaPipe's 0.5 detection threshold). */
  minPoseScore: 0.5,
  /** A frame needs this many body keypoints above the fit's confidence threshold to be fitted. */
  minKeypoints: 12,
  /** Scale of the fit's per-frame iterations (FIT_CONFIG.frameIterations × this; warm-started, 0.4 keeps the accuracy of 0.6 on the synthetic clips). */
  frameIterationScale: 0.4,
  /** Scale of the single-image schedule used for the shape on the first good frame. */
  shapeIterationScale: 0.5,
  /** Foot contact: a foot point within this height (m) of the lower foot (jumpHeight: that one near the floor) … */
  contactHeight: 0.04,
  /** … moving slower than this (m/s, horizontal) is in contact (Mourot et al. 2022 survey: 2–5 cm, ~0.2–0.5 m/s). */
  contactSpeed: 0.35,
  /**
   * … or whose 2D foot keypoints move slower than this in the image (body heights per second): a planted foot
   * stands still in the image of a fixed camera while the fitted depth jitters. Walking at 1.4 m/s the swing
   * foot moves ~1.2–1.5 heights/s; keypoint noise of ~1% of the height at 15 fps reads as ~0.15–0.2 heights/s.
   */
  contactImageSpeed: 0.5,
  /** Contacts shorter than this many frames are dropped (flicker). */
  minContactFrames: 2,
  /** … and shorter than this (s; a walking stance lasts ~0.6 s, a running one ~0.2 s). Gaps as short are filled. */
  minContactSeconds: 0.1,
  /** Contact height is measured from a local floor: the floor quantile of the lower foot within ±this (s). */
  floorWindowSeconds: 1,
  /** Outside contacts the pinning offset decays back to the observed root path at this fraction per frame. */
  releaseRate: 0.25,
  /** Floor height: this quantile of the per-frame lowest foot point (robust to a few bad fits). */
  floorQuantile: 0.1,
  /** Largest camera tilt (pitch or roll, degrees) the ground estimate may remove (ground.ts); beyond it the estimate is not trusted. */
  maxCameraTiltDeg: 35,
  /**
   * The posture estimate removes only the tilt beyond this (degrees): on the level synthetic punch-kick clip
   * (lunges) it read 3–4° of tilt that is the motion's own, and levelling it raised the limb error 12.9° → 14.8°.
   */
  postureDeadZoneDeg: 3,
  /** The ground plane is fitted only when the planted foot points spread at least this much (m, std along the plane's weaker axis). */
  groundPlaneMinSpread: 0.25,
  /**
   * The root's distance from the camera (from the person's apparent size; it jitters) is median-filtered over
   * this long (s) before anything else; its direction (from the image position) is kept as filmed.
   */
  depthSmoothSeconds: 0.4,
  /**
   * Contact height is measured from the lower foot of the frame; the lower foot itself counts as lifted (a jump) more
   * than this height (m) above its median height within ±floorWindowSeconds. Measured on the street clip (docs/capture.md,
   * Contacts from the lower foot): depth errors of the fitted root moved both feet of the standing woman by up to 30 cm
   * within a second, so the floor is a poor reference for a single foot. 0.15–∞ gave the same contacts on the four
   * walking clips; 0.1 lost the jogger's (her body bounces by about 10 cm).
   */
  jumpHeight: 0.15,
  /** … its reference: this quantile of the lower foot's height within ±floorWindowSeconds (the median: a 10 % quantile sank with the dip). */
  jumpReferenceQuantile: 0.5,
  /** Root path smoothing before pinning: centred moving average over this many frames (odd; 1 = none). */
  rootSmoothFrames: 3,
  /**
   * Choosing the person when none is named (pick.ts): the people detector runs on this much of the clip's start (s).
   * dance-twirl (12 fps): the detector misses the dancer on frame 0 and finds her from frame 1 on (8 of the first 12
   * frames), so one frame is not enough (scripts/capture-pick-evidence.ts). Detection alone takes 0.19 s a frame against
   * 0.68 s for a frame's body perception (load 6.2), so 1 s of a 12 fps clip adds ~2 s.
   */
  pickSeconds: 1,
  /** … a track continues on the next frame's candidate overlapping its last box by at least this IoU (as minTrackIoU). */
  pickTrackIoU: 0.3,
  /** … a MoveNet keypoint counts as seen above this confidence (the threshold people.ts widens boxes with). */
  pickKeypointConfidence: 0.3,
} as const;

/**
 * Face channels of motion capture (face.ts): expression weights, jaw and gaze from the face mesh of the face crop
 * pass (Perceiver.refineFace). Gains and blink thresholds were measured on synthetic face clip A (src/bench/faceClip.ts:
 * the body model's named expressions at known weights, 512² full-body frames of the idle motion with head turns, the
 * clip of test/capture/face.test.ts); clip B (another subject) is held out (scripts/face-capture-bench.ts,
 * docs/capture.md). A weight-1 change of a channel moves its feature by the gain (landmark distances over the
 * outer-eye-corner distance).
 */
export const FACE_CAPTURE_CONFIG = {
  /** A face mesh below this detector score is not used (the frame's channels are interpolated). */
  minFaceScore: 0.5,
  /** The neutral face of a clip: this quantile of a feature over the frames (people are mostly at rest). */
  neutralQuantile: 0.1,
  /**
   * Eyes: the open reference is this quantile of the lid gap within ±openEyeWindowSeconds (eyes are open most of the
   * time; on clip A 0.75 beat 0.9: blink correlations 1.00 / 1.00 against 0.99 / 0.97) …
   */
  openEyeQuantile: 0.75,
  /** … a window short enough that a head turn or another face does not shift it, long enough to hold open eyes around a blink (~0.1–0.4 s). */
  openEyeWindowSeconds: 0.5,
  /**
   * Blink weight: the lid closure 1 − gap/open mapped from this (weight 0) … Clip A, refined mesh: open-eye frames
   * read closures of 0–0.18 (lid landmark noise), so 0.15 drops most of it.
   */
  blinkFrom: 0.15,
  /** … to this (weight 1): the closed-eye frames of clip A read 0.52–0.65 (a closed eye's lid landmarks keep a gap). */
  blinkTo: 0.55,
  /** aa (mouth and jaw opening): inner-lip gap change at weight 1 (least squares over clip A's 24 frames: 0.30; first-pass mesh 0.46). */
  aaGap: 0.3,
  /** smile: change of mouth width over cheek width at weight 1 (least squares, clip A: 0.058; residual 0.009) … */
  smileWidth: 0.058,
  /** … after removing the widening that opening the mouth brings (width change per unit of lip-gap change, same fit: 0.127). */
  widthPerGap: 0.127,
  /** Gaze: eyeball radius over eye width (≈ 12 mm / 30 mm, adult anthropometry): sin(angle) = offset of the iris / eye width ÷ this. */
  eyeRadiusOverWidth: 0.4,
  /** Largest gaze angle written (radians; the eye's range of motion is about ±0.6 rad). */
  maxGaze: 0.6,
  /** aa and smile are smoothed with a centred moving median over this many frames (odd; 1 = none). Blinks are not: one lasts 1–3 frames. */
  medianFrames: 3,
} as const;
