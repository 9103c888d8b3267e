/**
 * Constants of the motion room, with their sources.
 */

/** Frame rate of builtin motions: PERSONA's generated training video is 30 fps (Sim & Moon 2025, §4.1, MimicMotion output). */
export const MOTION_FPS = 30;

/** Largest rotation of any joint between consecutive 30 fps frames that a builtin motion may have (degrees); a larger step is a flip. */
export const MAX_FRAME_STEP_DEG = 20;

/** Version of the motion JSON format written by writeMotionJson. */
export const MOTION_JSON_VERSION = 1;

/** The `format` tag of motion JSON files. */
export const MOTION_JSON_FORMAT = 'persona-motion';

/** Length unit of exported BVH files: centimetres (Mixamo's and most tools' default). */
export const BVH_EXPORT_UNITS_PER_METRE = 100;

/**
 * The builtin motions that make PERSONA's pose-rich training video: the paper drives
 * MimicMotion with dance, a rotation, and light punches and kicks (Sim & Moon 2025, §4).
 */
export const TRAINING_MOTIONS = ['dance', 'turnaround', 'punch-kick'] as const;

/**
 * Bounds on any motion read from a file, checked before allocating: a corrupt or hostile header (BVH
 * `Frames: 2000000000`, `Frame Time: 100000`, JSON `fps: 1e-9`) must fail at once, not work for minutes
 * or exhaust memory. 30 minutes covers long mocap takes (AMASS clips are seconds to a few minutes);
 * 1…1000 fps covers keyframed files and 120–960 fps capture.
 */
export const MOTION_LIMITS = { maxSeconds: 1800, maxFrames: 216_000, minFps: 1, maxFps: 1000 } as const;

/**
 * Most frames `persona animate` renders in one run: 10 minutes at 30 fps (about 30 minutes of CPU at
 * 512 px with the fast engine, measured at ~10 frames/s on 2 cores).
 */
export const MAX_ANIMATE_FRAMES = 18_000;
