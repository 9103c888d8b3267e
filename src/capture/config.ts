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
  /** BlazePose pose score below which a frame counts as "person lost" (MediaPipe's 0.5 detection threshold). */
  minPoseScore: 0.5,
  /** A frame needs this many body keypoints above the fit's confidence threshold to be fitted. */
  minKeypoints: 12,
  /** Scale of the fit's per-frame iterations (FIT_CONFIG.frameIterations × this; warm-started, 0.4 keeps the accuracy of 0.6 on the synthetic clips). */
  frameIterationScale: 0.4,
  /** Scale of the single-image schedule used for the shape on the first good frame. */
  shapeIterationScale: 0.5,
  /** Foot contact: a foot point within this height (m) of the floor … */
  contactHeight: 0.04,
  /** … moving slower than this (m/s, horizontal) is in contact (Mourot et al. 2022 survey: 2–5 cm, ~0.2–0.5 m/s). */
  contactSpeed: 0.35,
  /** Contacts shorter than this many frames are dropped (flicker). */
  minContactFrames: 2,
  /** Outside contacts the pinning offset decays back to the observed root path at this fraction per frame. */
  releaseRate: 0.25,
  /** Floor height: this quantile of the per-frame lowest foot point (robust to a few bad fits). */
  floorQuantile: 0.1,
  /** Root path smoothing before pinning: centred moving average over this many frames (odd; 1 = none). */
  rootSmoothFrames: 3,
} as const;
