/**
 * One render's share of the avatar's forward and backward pass, on plain arrays: LBS, vertex normals and the
 * normal channels forward; the feature (logit and normal) gradients, the normals' backward, LBS backward and the
 * spread to the pose-offset anchors backward. `AvatarModel` (model.ts) calls these for each render; with
 * `parallelRenders` it runs the refined render's on a splat pool worker (pool.ts `runTasks`) while the calling
 * thread runs the base render's; a worker imports this module (and the body room's index, as the layer rules ask).
 *
 * Arrays a worker writes must live on SharedArrayBuffers (other typed arrays reach it as structured-clone copies).
 */
import { skinPoints, skinPointsBackward } from '../body/index.js';
import { vertexNormals, vertexNormalsBackward, type VertexNormals } from '../avatar/normals.js';

/** Channel layout of the fused render. */
export const CHANNELS = { rgb: 0, aux: 3, normal: 6, seg: 9, count: 12 } as const;

/** What one render's forward chain reads and writes. */
export interface RenderForwardJob {
  /** N×3 canonical means (before LBS). */
  canonical: Float32Array;
  skinJoints: Uint16Array;
  skinWeights: Float32Array;
  influences: number;
  /** J×12 skinning matrices. */
  skin: Float64Array;
  triangles: Uint32Array;
  /** The camera's world → camera rotation, 3×3 row-major. */
  R: ArrayLike<number>;
  /** Out: N×3 posed world means. */
  means: Float32Array;
  /** Out: the vertex normals of `means` (raw kept for the backward pass). */
  normals: VertexNormals;
  /** N×12 render features: the normal channels (camera frame) are written, the others left as they are. */
  features: Float32Array;
}

/** Poses the canonical means (LBS), computes their vertex normals and writes the camera-frame normal channels. */
export function renderForwardChain(job: RenderForwardJob): void {
  const { means, features, R } = job, N = means.length / 3, C = CHANNELS.count;
  skinPoints(job.canonical, job.skinJoints, job.skinWeights, job.influences, job.skin, means);
  const nw = vertexNormals(means, job.triangles, job.normals).normals;
  for (let i = 0; i < N; i++) {
    const o = i * C;
    const x = nw[i * 3]!, y = nw[i * 3 + 1]!, z = nw[i * 3 + 2]!;
    features[o + CHANNELS.normal] = R[0]! * x + R[1]! * y + R[2]! * z;
    features[o + CHANNELS.normal + 1] = R[3]! * x + R[4]! * y + R[5]! * z;
    features[o + CHANNELS.normal + 2] = R[6]! * x + R[7]! * y + R[8]! * z;
  }
}

/** What one render's backward chain reads and writes. */
export interface RenderBackwardJob {
  /** N×12 features the render used (sigmoid channels and normals). */
  features: Float32Array;
  /** N×12 gradient with respect to them. */
  dFeatures: Float32Array;
  /** N×3 gradient with respect to the posed means (the rasterizer's); the normals' term is added into it. */
  dMeans: Float32Array;
  /** The render's posed means and their vertex normals (forward). */
  means: Float32Array;
  normals: VertexNormals;
  triangles: Uint32Array;
  R: ArrayLike<number>;
  /** N×3 each: the rgb, aux rgb and segmentation logit gradients are added into these. */
  dRgb: Float32Array | Float64Array;
  dAux: Float32Array | Float64Array;
  dSeg: Float32Array | Float64Array;
  skinJoints: Uint16Array;
  skinWeights: Float32Array;
  influences: number;
  skin: Float64Array;
  /** Out: N×3 gradient with respect to the canonical means (overwritten). */
  dCanon: Float32Array;
  /** Refined render: the canonical gradient spread to the anchors (N×M anchors and weights), added into `dAnchor` (A×3). */
  spread?: { anchors: Uint32Array; weights: Float32Array; perGaussian: number; dAnchor: Float32Array };
}

/**
 * Feature gradients → colour/aux/seg logits and (through the camera-frame normals and the vertex normals) the
 * posed means; posed means → canonical means (LBS backward); for the refined render, canonical → anchors.
 */
export function renderBackwardChain(job: RenderBackwardJob): void {
  const { features: feats, dFeatures: f, R, dRgb, dAux, dSeg } = job;
  const N = job.means.length / 3, C = CHANNELS.count;
  const dNormals = new Float64Array(N * 3);
  for (let i = 0; i < N; i++) {
    const o = i * C;
    for (let c = 0; c < 3; c++) {
      const s1 = feats[o + CHANNELS.rgb + c]!, s2 = feats[o + CHANNELS.aux + c]!, s3 = feats[o + CHANNELS.seg + c]!;
      dRgb[i * 3 + c] += f[o + CHANNELS.rgb + c]! * s1 * (1 - s1);
      dAux[i * 3 + c] += f[o + CHANNELS.aux + c]! * s2 * (1 - s2);
      dSeg[i * 3 + c] += f[o + CHANNELS.seg + c]! * s3 * (1 - s3);
    }
    // n_cam = R n_world → dn_world = Rᵀ dn_cam
    const gx = f[o + CHANNELS.normal]!, gy = f[o + CHANNELS.normal + 1]!, gz = f[o + CHANNELS.normal + 2]!;
    dNormals[i * 3] = R[0]! * gx + R[3]! * gy + R[6]! * gz;
    dNormals[i * 3 + 1] = R[1]! * gx + R[4]! * gy + R[7]! * gz;
    dNormals[i * 3 + 2] = R[2]! * gx + R[5]! * gy + R[8]! * gz;
  }
  vertexNormalsBackward(job.means, job.triangles, job.normals, dNormals, job.dMeans);
  const dCanon = job.dCanon;
  dCanon.fill(0);
  skinPointsBackward(job.dMeans, job.skinJoints, job.skinWeights, job.influences, job.skin, dCanon);
  if (job.spread) {
    const { anchors, weights, perGaussian: M, dAnchor } = job.spread;
    for (let i = 0; i < N; i++)
      for (let m = 0; m < M; m++) {
        const a = anchors[i * M + m]!, w = weights[i * M + m]!;
        dAnchor[a * 3] += w * dCanon[i * 3]!; dAnchor[a * 3 + 1] += w * dCanon[i * 3 + 1]!; dAnchor[a * 3 + 2] += w * dCanon[i * 3 + 2]!;
      }
  }
}

/**
 * Worker entry (splat `runTasks`): the refined render's backward chain into its own accumulators, zeroed here —
 * the logit terms in float64, so that the caller, adding them into its float32 gradients after the base render's
 * terms, rounds exactly as the serial path, which adds each float64 term straight into the float32 gradient.
 */
export function renderBackwardTask(job: RenderBackwardJob): void {
  job.dRgb.fill(0); job.dAux.fill(0); job.dSeg.fill(0);
  job.spread?.dAnchor.fill(0);
  renderBackwardChain(job);
}
