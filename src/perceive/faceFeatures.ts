/**
 * Scale-free features of a face mesh for expression estimates (motion capture's face channels, the fit's photo
 * expression): the lip gap in 3D (pixels, with the mesh's relative depth) over the outer-eye-corner distance, the
 * lid gaps in the image plane over the eye-corner distances, the mouth width in the image plane over the
 * cheek-to-cheek width (turning the head foreshortens both alike), and the iris offsets within the eyes.
 */
import type { FaceResult } from './types.js';
import { FACE_LANDMARKS } from './names.js';
import { EYELID_PAIRS } from './config.js';

/** Features of one face mesh (ratios to the outer-eye-corner distance). */
export interface FaceFeatures {
  /** Inner-lip gap. */
  gap: number;
  /** Mouth-corner distance over the cheek-to-cheek distance, both in the image plane (turning the head foreshortens both alike). */
  width: number;
  /**
   * Lid gap over eye width in the image plane, the person's left and right eye: the mean distance of the five
   * EYELID_PAIRS over the eye-corner distance (depth is left out: the mesh's relative depth of a lid is noisy).
   */
  eyeLeft: number;
  eyeRight: number;
  /**
   * Iris offset from the eye-corner midpoint over the eye width, mean of both eyes: [towards the person's left,
   * downwards in the image] (null without iris points).
   */
  iris: [number, number] | null;
}

type P3 = readonly [number, number, number];
const dist = (a: P3, b: P3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const dist2 = (a: P3, b: P3): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Mean image-plane distance of lid landmark pairs (pixels). */
function lidGap(m: readonly P3[], pairs: ReadonlyArray<readonly [number, number]>): number {
  let sum = 0;
  for (const [u, l] of pairs) sum += dist2(m[u]!, m[l]!);
  return sum / pairs.length;
}

/** The features of one face mesh. */
export function faceFeatures(face: FaceResult): FaceFeatures {
  const m = face.mesh as P3[];
  const L = FACE_LANDMARKS;
  const io = dist(m[L.rightEyeOuter]!, m[L.leftEyeOuter]!);
  const eyeR = dist(m[L.rightEyeOuter]!, m[L.rightEyeInner]!), eyeL = dist(m[L.leftEyeOuter]!, m[L.leftEyeInner]!);
  let iris: [number, number] | null = null;
  if (face.iris) {
    // Axes in the image: u from the person's right eye to their left, v perpendicular pointing down.
    const a = m[L.rightEyeOuter]!, b = m[L.leftEyeOuter]!;
    const ux = (b[0] - a[0]) / Math.hypot(b[0] - a[0], b[1] - a[1]), uy = (b[1] - a[1]) / Math.hypot(b[0] - a[0], b[1] - a[1]);
    const offset = (c: readonly [number, number], outer: P3, inner: P3, w: number): [number, number] => {
      const dx = c[0] - (outer[0] + inner[0]) / 2, dy = c[1] - (outer[1] + inner[1]) / 2;
      return [(dx * ux + dy * uy) / w, (-dx * uy + dy * ux) / w];
    };
    const r = offset(face.iris.right, m[L.rightEyeOuter]!, m[L.rightEyeInner]!, eyeR);
    const l = offset(face.iris.left, m[L.leftEyeOuter]!, m[L.leftEyeInner]!, eyeL);
    iris = [(r[0] + l[0]) / 2, (r[1] + l[1]) / 2];
  }
  return {
    gap: dist(m[L.upperLip]!, m[L.lowerLip]!) / io,
    width: dist2(m[L.mouthRight]!, m[L.mouthLeft]!) / dist2(m[L.rightCheek]!, m[L.leftCheek]!),
    eyeLeft: lidGap(m, EYELID_PAIRS.left) / dist2(m[L.leftEyeOuter]!, m[L.leftEyeInner]!),
    eyeRight: lidGap(m, EYELID_PAIRS.right) / dist2(m[L.rightEyeOuter]!, m[L.rightEyeInner]!),
    iris,
  };
}

