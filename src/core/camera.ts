/**
 * A pinhole camera, OpenCV convention: x right, y down, z forward (see DESIGN.md).
 * A world point X maps to camera space as Xc = R·X + t, then to pixels as
 * u = fx·Xc.x/Xc.z + cx, v = fy·Xc.y/Xc.z + cy (pixel centres at +0.5).
 */
export interface Camera {
  /** World-to-camera rotation, 3×3 row-major. */
  R: Float64Array | number[];
  /** World-to-camera translation (metres). */
  t: Float64Array | number[];
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
}

/** Projects a world point to pixel coordinates and camera depth. */
export function projectPoint(cam: Camera, x: number, y: number, z: number): { u: number; v: number; depth: number } {
  const R = cam.R, t = cam.t;
  const xc = R[0]! * x + R[1]! * y + R[2]! * z + t[0]!;
  const yc = R[3]! * x + R[4]! * y + R[5]! * z + t[1]!;
  const zc = R[6]! * x + R[7]! * y + R[8]! * z + t[2]!;
  return { u: (cam.fx * xc) / zc + cam.cx, v: (cam.fy * yc) / zc + cam.cy, depth: zc };
}

/** The camera's centre of projection in world coordinates (−Rᵀt). */
export function cameraCentre(cam: Camera): [number, number, number] {
  const R = cam.R, t = cam.t;
  return [0, 1, 2].map((c) => -(R[c]! * t[0]! + R[3 + c]! * t[1]! + R[6 + c]! * t[2]!)) as [number, number, number];
}

/**
 * A camera at `eye` looking at `target` (world Y up). Because the camera's y axis points
 * down, world up appears at the top of the image.
 */
export function lookAtCamera(
  eye: [number, number, number],
  target: [number, number, number],
  opts: { width: number; height: number; fovYDeg?: number; focal?: number },
): Camera {
  const f = [target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]];
  normalize(f);
  const up = [0, 1, 0];
  // right = forward × up (in a right-handed world with y up, looking along f)
  let r = cross(f, up);
  if (Math.hypot(r[0]!, r[1]!, r[2]!) < 1e-9) r = [1, 0, 0];
  normalize(r);
  const d = cross(f, r); // camera y (down) = forward × right
  normalize(d);
  const R = Float64Array.from([r[0]!, r[1]!, r[2]!, d[0]!, d[1]!, d[2]!, f[0]!, f[1]!, f[2]!]);
  const t = new Float64Array(3);
  for (let i = 0; i < 3; i++) t[i] = -(R[i * 3]! * eye[0] + R[i * 3 + 1]! * eye[1] + R[i * 3 + 2]! * eye[2]);
  const focal = opts.focal ?? opts.height / 2 / Math.tan(((opts.fovYDeg ?? 40) * Math.PI) / 360);
  return { R, t, fx: focal, fy: focal, cx: opts.width / 2, cy: opts.height / 2, width: opts.width, height: opts.height };
}

function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}
function normalize(a: number[]): void {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!) || 1;
  a[0]! /= n; a[1]! /= n; a[2]! /= n;
}

/** The same camera for an image resized to `width`×`height` (intrinsics scaled per axis). */
export function resizeCamera(cam: Camera, width: number, height: number): Camera {
  const sx = width / cam.width, sy = height / cam.height;
  return { ...cam, fx: cam.fx * sx, fy: cam.fy * sy, cx: cam.cx * sx, cy: cam.cy * sy, width, height };
}

/** Size with the long side equal to `longSide` (aspect kept, at least 1 px). */
export function fitLongSide(width: number, height: number, longSide: number): { width: number; height: number } {
  const s = longSide / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}
