/**
 * Training frames from a subject folder: the photo and every generated frame, resized to the training
 * resolution, with cameras scaled to match and geometry targets rendered from the fitted body.
 */
import { readFile } from 'node:fs/promises';
import { fitLongSide, resizeCamera, type Camera } from '../core/camera.js';
import { readImage, type FloatImage } from '../core/image.js';
import type { ArrayBodyModel } from '../body/index.js';
import { BodyPoser } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';
import { rasterizeMesh, interpolateVertexAttributes, resizeImage } from '../render/index.js';
import { Subject, SUBJECT_FILES, clipFiles } from '../subject/index.js';
import { cameraFromJson, fitPose, type BodyFit } from '../fit/types.js';
import { poseFromJson, type GeneratedClipFile } from '../generate/types.js';
import { partBoundary } from './boundary.js';
import { renderGeometryTargets } from './targets.js';
import type { TrainingFrame } from './frame.js';

/** Everything needed to turn images into training frames. */
export interface FrameContext {
  body: ArrayBodyModel;
  shape: number[];
  /** Long side of training frames (pixels). */
  renderSize: number;
  poser?: BodyPoser;
  /** The photo's boundary detection (the config's `sampling.boundaryThreshold` / `boundaryKernelRatio`). */
  boundary: { threshold: number; kernelRatio: number };
}

/**
 * The photo's part-boundary mask for geometry-weighted optimisation: Sobel edges of the rendered
 * rest-position map of the fitted body (PERSONA get_boundary renders the Gaussians' template positions),
 * dilated in proportion to the silhouette, excluding the face interior.
 */
export function photoBoundary(posedVertices: Float32Array, restVertices: ArrayLike<number>, body: ArrayBodyModel, camera: Camera, mask: Float32Array, settings: { threshold: number; kernelRatio: number }): Uint8Array {
  const V = body.vertexCount;
  // template positions mapped into [0,1] over a 2 m cube (PERSONA: (x / (2/2) + 1)/2 around the mean)
  let cx = 0, cy = 0, cz = 0;
  for (let v = 0; v < V; v++) { cx += restVertices[v * 3]!; cy += restVertices[v * 3 + 1]!; cz += restVertices[v * 3 + 2]!; }
  cx /= V; cy /= V; cz /= V;
  const attr = new Float32Array(V * 3);
  for (let v = 0; v < V; v++) {
    attr[v * 3] = (restVertices[v * 3]! - cx + 1) / 2;
    attr[v * 3 + 1] = (restVertices[v * 3 + 1]! - cy + 1) / 2;
    attr[v * 3 + 2] = (restVertices[v * 3 + 2]! - cz + 1) / 2;
  }
  const raster = rasterizeMesh(posedVertices, body.triangles, camera, { cull: 'back' });
  const map = interpolateVertexAttributes(raster, body.triangles, attr, 3);
  const face = new Float32Array(camera.width * camera.height);
  for (let p = 0; p < face.length; p++) {
    const t = raster.triangleId[p]!;
    if (t < 0) continue;
    const part = body.partLabels[body.triangles[t * 3]!]!;
    if (part === PART_INDEX.face || part === PART_INDEX.eyes) face[p] = 1;
  }
  return partBoundary(map.data, camera.width, camera.height, 3, { threshold: settings.threshold, kernel: { ratio: settings.kernelRatio, alpha: mask }, exclude: face }).boundary;
}

/** Builds one training frame from an image (RGB), its matte, camera and body pose. */
export async function prepareFrame(
  ctx: FrameContext,
  kind: 'photo' | 'generated',
  id: string,
  image: FloatImage,
  matte: FloatImage,
  camera: Camera,
  pose: BodyPose,
  expression?: ArrayLike<number>,
): Promise<TrainingFrame> {
  const dims = fitLongSide(image.width, image.height, ctx.renderSize);
  const img = resizeImage(image, dims.width, dims.height);
  const m = resizeImage(matte, dims.width, dims.height);
  const cam = resizeCamera(camera, dims.width, dims.height);
  const poser = (ctx.poser ??= new BodyPoser(ctx.body));
  const withExpression = expression && expression.length > 0 ? Float64Array.from(expression) : undefined;
  const posed = poser.forward({ shape: ctx.shape, pose, expression: withExpression });
  const verts = Float32Array.from(posed.vertices);
  const targets = renderGeometryTargets(verts, ctx.body.triangles, ctx.body.partLabels, cam, m.data);
  const frame: TrainingFrame = { kind, id, camera: cam, pose, width: dims.width, height: dims.height, image: img.data, mask: m.data, targets };
  if (kind === 'photo') frame.boundary = photoBoundary(verts, posed.restVertices, ctx.body, cam, m.data, ctx.boundary);
  if (withExpression) frame.expression = withExpression;
  return frame;
}

/** Loads the photo and all generated frames of a subject. */
export async function loadSubjectFrames(subjectDir: string, ctx: FrameContext, clips: string[]): Promise<TrainingFrame[]> {
  const subject = new Subject(subjectDir);
  const fit = JSON.parse(await readFile(subject.path(SUBJECT_FILES.fit), 'utf8')) as BodyFit;
  const frames: TrainingFrame[] = [];
  const photo = await readImage(subject.path(SUBJECT_FILES.image), 3);
  const matte = await readImage(subject.path(SUBJECT_FILES.mask), 1);
  frames.push(await prepareFrame(ctx, 'photo', 'photo', photo, matte, cameraFromJson(fit.camera), fitPose(fit), fit.expression));
  for (const clip of clips) {
    const files = clipFiles(clip);
    const record = JSON.parse(await readFile(subject.path(files.poses), 'utf8')) as GeneratedClipFile;
    for (const f of record.frames) {
      const img = await readImage(subject.path(files.frame(f.file)), 3);
      const mask = await readImage(subject.path(files.mask(f.file)), 1);
      frames.push(await prepareFrame(ctx, 'generated', `${clip}/${f.file}`, img, mask, cameraFromJson(f.camera), poseFromJson(f.pose)));
    }
  }
  return frames;
}
