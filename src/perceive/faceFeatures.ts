/**
 * Scale-free features of a face mesh for expression estimates (motion capture's face channels, the fit's photo
 * expression): the lip and lid gaps in 3D (pixels, with the mesh's relative depth) over the outer-eye-corner and
 * eye-corner distances, the mouth width in the image plane over the cheek-to-cheek width (turning the head
 * foreshortens both alike), and the iris offsets within the eyes.
 */
import type { FaceResult } from './types.js';
import { FACE_LANDMARKS } from './names.js';

/** Face-mesh indices of the eyelids (MediaPipe face mesh topology): the person's right eye, then left. */
const LIDS = { rightUpper: 159, rightLower: 145, leftUpper: 386, leftLower: 374 } as const;

/** Features of one face mesh (ratios to the outer-eye-corner distance). */
export interface FaceFeatures {
  /** Inner-lip gap. */
  gap: number;
  /** Mouth-corner distance over the cheek-to-cheek distance, both in the image plane (turning the head foreshortens both alike). */
  width: number;
  /** Lid gap over eye width, the person's left and right eye. */
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
    eyeLeft: dist(m[LIDS.leftUpper]!, m[LIDS.leftLower]!) / eyeL,
    eyeRight: dist(m[LIDS.rightUpper]!, m[LIDS.rightLower]!) / eyeR,
    iris,
  };
}

