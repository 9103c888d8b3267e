/**
 * The clothed proxy: one closed surface of body ∪ clothing ∪ hair carved in the photo's pose (field.ts,
 * slabs.ts, marching tetrahedra), with the template's own hands and face spliced in, skinned (the body's
 * own weights where the proxy hugs the body, PERSONA's diffused skinning volume where it leaves it), unposed
 * to the canonical pose, and packaged as a body model of fixed shape — so every stage that poses, renders
 * or subdivides a body (generator, geometry targets, Gaussian template) takes it unchanged.
 */
import type { Camera } from '../core/camera.js';
import { cameraCentre, fitLongSide, projectPoint, resizeCamera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import { ArrayBodyModel } from '../body/index.js';
import { BodyPoser } from '../body/index.js';
import { PART_INDEX, type BodyPose, type SkinWeights, type SparseRegressor } from '../body/index.js';
import { rasterizeMesh, resizeImage } from '../render/index.js';
import { buildSkinningVolume, sampleSkinningWeights, skinningParallel } from '../body/index.js';
import { runTasks } from '../splat/index.js';
import { SHAPE_CONFIG, type ShapeConfig } from './config.js';
import { buildSlabs, type DepthSlabs } from './slabs.js';
import { hairColourMask } from './hairColour.js';
import { legBend, thighLiftedTowardsCamera, waistHangShare } from './legBend.js';
import { occupancyField, sampleGrid } from './field.js';
import { bodyLimbs, cropToInside, limbFields, proxyLimbs, PROXY_REST, shinsTouch } from './partition.js';
import { armRaised, raisedSleeveBoost } from './raisedSleeve.js';
import { marchingTetrahedra } from './marchingTetrahedra.js';
import { MeshDistance } from './meshDistance.js';
import { compact, largestComponent, meshTopology, PointIndex, relaxTangential, stretchedAreaFraction, vertexNeighbours } from './meshOps.js';

/** Material classes of proxy vertices. */
export const PROXY_MATERIAL = { skin: 0, cloth: 1, hair: 2, template: 3 } as const;

/** The clothed proxy of one subject. */
export interface ClothedProxy {
  /** The proxy as a body model of fixed shape (rest = canonical pose; shape coefficients: none). */
  model: ArrayBodyModel;
  /** F: 1 on the template's own hand and face triangles (they carry the body's UVs), 0 on the carved shell. */
  templateTriangles: Uint8Array;
  /** V material (PROXY_MATERIAL). */
  material: Uint8Array;
  /** V in [0,1]: 0 follows skinning exactly, 1 free for cloth dynamics. */
  freedom: Float32Array;
  /** V: the nearest body-template vertex (in the photo's pose). */
  bodyVertex: Int32Array;
  /** V×3 positions in the photo's pose (world). */
  posed: Float32Array;
  /** Facts for the manifest and the docs. */
  stats: ProxyStats;
}

/** Figures of a proxy build. */
export interface ProxyStats {
  vertices: number;
  triangles: number;
  shellVertices: number;
  templateVertices: number;
  voxels: [number, number, number];
  /** The carved shell's topology before hands and face were spliced in (closed manifold: all zero). */
  shellTopology: { boundaryEdges: number; nonManifoldEdges: number; inconsistentEdges: number };
  /** Share of shell vertices per material. */
  looseFraction: number;
  hairFraction: number;
  /** Share of shell vertices on a garment that spans the legs (skinned to hang from the waist). */
  spansLegsFraction: number;
  /** How fully such a garment hangs from the waist (1 standing; less as the photo's legs lift or bend: SHAPE_CONFIG.waistHangLift). */
  waistHang: number;
  /** Whether the lower legs were carved apart (they touch in the photo and no garment spans the legs: partition.ts). */
  shinsApart: boolean;
  /** Whether the whole legs were carved apart from the trunk (a lifted thigh, no garment spanning the legs: partition.ts). */
  legsApart: boolean;
  /** Share of the canonical surface's area in triangles stretched more than SHAPE_CONFIG.sheetStretch × against the photo's pose:
   * sheets between parts the canonical pose pulls apart (a measure; nothing acts on it). */
  sheetFraction: number;
  /** The colours that told a collar from hair beside the neck (hairColour.ts), rounded; null without a photo. */
  hairColour: { crown: [number, number, number] | null; torso: [number, number, number] | null; decisive: boolean } | null;
}

/** Inputs of {@link buildClothedProxy}. */
export interface ProxyInputs {
  body: ArrayBodyModel;
  shape: ArrayLike<number>;
  pose: BodyPose;
  /** The photo's camera and matte (1 channel, photo size). */
  camera: Camera;
  matte: FloatImage;
  /** The photo (3 channels, photo size): its colours tell a collar from hair beside the neck (hairColour.ts). Without it every
   * pixel there may be hair. */
  photo?: FloatImage;
  config?: ShapeConfig;
}

const ARM_PARTS = new Set<number>([PART_INDEX.leftUpperArm, PART_INDEX.rightUpperArm, PART_INDEX.leftForearm, PART_INDEX.rightForearm]);
const HAND_PARTS = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand]);
const HAND_FACE = new Set<number>([PART_INDEX.leftHand, PART_INDEX.rightHand, PART_INDEX.face, PART_INDEX.eyes]);

/** Builds the proxy (see the module comment). */
export function buildClothedProxy(inp: ProxyInputs): ClothedProxy {
  const cfg = inp.config ?? SHAPE_CONFIG;
  const { body } = inp;
  const J = body.skeleton.names.length;
  const poser = new BodyPoser(body);
  const posedBody = poser.forward({ shape: inp.shape, pose: inp.pose });
  const bodyPosed = Float32Array.from(posedBody.vertices);
  const V0 = body.vertexCount;

  // 1. carving camera and maps
  const dims = fitLongSide(inp.camera.width, inp.camera.height, cfg.carveLongSide);
  const cam = resizeCamera(inp.camera, dims.width, dims.height);
  const matte = resizeImage(inp.matte, dims.width, dims.height).data;
  const frontRaster = rasterizeMesh(bodyPosed, body.triangles, cam, { cull: 'back' });
  const front = frontRaster.depth;
  const back = rasterizeMesh(bodyPosed, body.triangles, cam, { cull: 'front' }).depth;
  const joint = (name: string): [number, number, number] => {
    const j = body.skeleton.names.indexOf(name);
    return j < 0 ? [NaN, NaN, NaN] : [posedBody.joints[j * 3]!, posedBody.joints[j * 3 + 1]!, posedBody.joints[j * 3 + 2]!];
  };
  const rowOf = (p: [number, number, number]): { u: number; v: number } => projectPoint(cam, p[0], p[1], p[2]);
  const neck = rowOf(joint('neck_01')), head = rowOf(joint('head'));
  const shoulders = [rowOf(joint('upperarm_l')), rowOf(joint('upperarm_r'))];
  // the chin sits about half-way between the neck and head joints in the image (MakeHuman rig: head joint at the skull base)
  const up = trunkUp(joint('neck_01'), joint('thigh_l'), joint('thigh_r'));
  const hang = waistHangShare(legBend(joint, up), cfg);
  const rows = {
    chinRow: (neck.v + head.v) / 2, headRow: head.v, shoulderRow: (shoulders[0]!.v + shoulders[1]!.v) / 2, neckColumn: neck.u,
    hipRow: (rowOf(joint('thigh_l')).v + rowOf(joint('thigh_r')).v) / 2,
  };
  const hairColour = inp.photo
    ? hairColourMask({ width: cam.width, height: cam.height, photo: resizeImage(inp.photo, cam.width, cam.height).data, matte, ...rows }, cfg)
    : null;
  const slabs: DepthSlabs = buildSlabs({
    camera: cam, matte, bodyFront: front, bodyBack: back,
    ...rows,
    up,
    hairLike: hairColour?.mask,
    legSide: legSideMap(frontRaster.triangleId, body),
    armPixels: armPixelMap(frontRaster.triangleId, body),
    // bent legs that the fit misses leave matte around them that is legs, not a skirt (legBend.ts)
    skirtsAllowed: hang > 0,
  }, cfg);

  // 2. the occupancy field on a grid around the posed body, and its surface
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < V0; v++) for (let a = 0; a < 3; a++) { lo[a] = Math.min(lo[a]!, bodyPosed[v * 3 + a]!); hi[a] = Math.max(hi[a]!, bodyPosed[v * 3 + a]!); }
  const h = cfg.voxelSize;
  const origin: [number, number, number] = [lo[0]! - cfg.padding, lo[1]! - cfg.padding, lo[2]! - cfg.padding];
  const gdims = [0, 1, 2].map((a) => Math.ceil((hi[a]! - lo[a]! + 2 * cfg.padding) / h) + 1) as [number, number, number];
  const field = occupancyField({ grid: { origin, spacing: h, dims: gdims }, bodyPositions: bodyPosed, bodyTriangles: body.triangles, camera: cam, matte, slabs });
  // each limb part (the arms, the feet, the rest) carved as its own closed surface: see partition.ts
  // unless a garment spans the legs, whole legs are parts of their own when a thigh is lifted towards the camera (sitting),
  // else the lower legs when they touch in the photo (partition.ts)
  const garmentSpansLegs = slabs.spansLegs.some((v) => v !== 0);
  const legsApart = !garmentSpansLegs && thighLiftedTowardsCamera(joint, up, cameraCentre(inp.camera), cfg);
  const shinsApart = !garmentSpansLegs && !legsApart && shinsTouch(bodyPosed, body.partLabels, cfg.shinContact);
  const limbSpecs = proxyLimbs({ shins: shinsApart, legs: legsApart });
  // a raised arm's sleeve reaches farther where the photo's colour says it is not hair, less where it may be (raisedSleeve.ts)
  const sleeveBoost = hairColour?.decisive ? raisedSleeveBoost(cam, hairColour.mask, matte, cfg) : null;
  const raisedArms = { leftArm: armRaised(joint, 'l', up, cfg), rightArm: armRaised(joint, 'r', up, cfg) };
  const sleeveBoosts = limbSpecs.map((l) => (l.name === 'leftArm' || l.name === 'rightArm') && raisedArms[l.name] ? sleeveBoost : null);
  const parts = limbFields(field, bodyPosed, body.partLabels, cfg, limbSpecs, sleeveBoosts)
    .map((f) => {
      const box = cropToInside(f);
      const iso = box ? marchingTetrahedra(box) : { positions: new Float32Array(0), triangles: new Uint32Array(0) };
      return iso.triangles.length > 0 ? largestComponent(iso.positions, iso.triangles) : iso;
    });
  if (parts[PROXY_REST]!.triangles.length === 0) throw new PersonaError('shape: the clothed proxy came out empty (the matte and the fitted body do not overlap)', { hint: 'check perception/overlay.png and fit/overlay.png; rerun `persona fit`' });
  const shell = concatMeshes(parts);
  const shellTopology = meshTopology(shell.triangles);
  relaxTangential(shell.positions, shell.triangles, cfg.relaxIterations);

  // 3. nearest body vertex of each shell vertex; which shell vertices give way to the template's hands and face
  const bodyDistance = new MeshDistance(bodyPosed, body.triangles);
  const S = shell.positions.length / 3;
  const nearest = new Int32Array(S), dist = new Float32Array(S);
  // each limb part is the body's own near its own bones: its nearest body point is searched on its limb only, except
  // around the seams where the parts meet (a cut face between a forearm and the chest must not take the arm's weights)
  const bodyLimb = bodyLimbs(body.partLabels, limbSpecs);
  const seams: LimbSeam[] = limbSpecs.map((l) => ({ root: joint(l.root), radius: cfg[l.seam] }));
  const ownLimb = (g: number) => (bv: number) => bodyLimb[bv] === g;
  const ownOrRest = (g: number) => (bv: number) => bodyLimb[bv] === g || bodyLimb[bv] === PROXY_REST;
  for (let v = 0; v < S; v++) {
    const x = shell.positions[v * 3]!, y = shell.positions[v * 3 + 1]!, z = shell.positions[v * 3 + 2]!;
    const g = shell.part[v]!;
    // at a seam the part may take the body point across it (the rest's side of a shoulder, the arm's side of it)
    const seam = seams.findIndex((s, k) => (g === PROXY_REST || g === k + 1) && Math.hypot(x - s.root[0], y - s.root[1], z - s.root[2]) < s.radius);
    const r = bodyDistance.nearest(x, y, z, seam < 0 ? ownLimb(g) : g === PROXY_REST ? ownOrRest(seam + 1) : ownOrRest(g));
    nearest[v] = r.vertex; dist[v] = r.distance;
  }
  const interior = erodedHandFace(body, cfg.spliceErodeRings);
  const keepTri: number[] = [];
  const dropVertex = new Uint8Array(S);
  for (let v = 0; v < S; v++) if (interior[nearest[v]!] && dist[v]! < 2 * cfg.hugDistance) dropVertex[v] = 1;
  for (let f = 0; f < shell.triangles.length / 3; f++) {
    const a = shell.triangles[f * 3]!, b = shell.triangles[f * 3 + 1]!, c = shell.triangles[f * 3 + 2]!;
    if (!dropVertex[a] && !dropVertex[b] && !dropVertex[c]) keepTri.push(f);
  }
  const kept = compact(shell.positions, shell.triangles, keepTri);
  const K = kept.positions.length / 3;
  const keptNearest = new Int32Array(K), keptDist = new Float32Array(K), keptLimb = new Uint8Array(K);
  for (let v = 0; v < S; v++) {
    const m = kept.vertexMap[v]!;
    if (m < 0) continue;
    keptNearest[m] = nearest[v]!; keptLimb[m] = shell.part[v]!;
    // a vertex inside the body lies on a cut between limb parts: it is the body's own (skin) wherever it is
    const inside = sampleGrid(field, field.bodyDistance, shell.positions[v * 3]!, shell.positions[v * 3 + 1]!, shell.positions[v * 3 + 2]!) < 0;
    keptDist[m] = inside ? 0 : dist[v]!;
  }

  // the template's hand and face triangles (every triangle whose corners are all hand/face/eyes), grown by rings of the body
  // triangles around them (handFacePatch)
  const patchTris = handFacePatch(body, cfg.patchUnderlapRings);
  const patchMap = new Int32Array(V0).fill(-1);
  const patchVerts: number[] = [];
  for (const f of patchTris) for (let c = 0; c < 3; c++) { const v = body.triangles[f * 3 + c]!; if (patchMap[v]! < 0) { patchMap[v] = K + patchVerts.length; patchVerts.push(v); } }
  const P = patchVerts.length, V = K + P;

  // 4. combined mesh
  const posed = new Float32Array(V * 3);
  posed.set(kept.positions);
  patchVerts.forEach((bv, i) => { for (let a = 0; a < 3; a++) posed[(K + i) * 3 + a] = bodyPosed[bv * 3 + a]!; });
  const F1 = kept.triangles.length / 3, F = F1 + patchTris.length;
  const triangles = new Uint32Array(F * 3);
  triangles.set(kept.triangles);
  const cornerUvs = new Float32Array(F * 6);
  const templateTriangles = new Uint8Array(F);
  patchTris.forEach((f, i) => {
    for (let c = 0; c < 3; c++) triangles[(F1 + i) * 3 + c] = patchMap[body.triangles[f * 3 + c]!]!;
    cornerUvs.set(body.cornerUvs.subarray(f * 6, f * 6 + 6), (F1 + i) * 6);
    templateTriangles[F1 + i] = 1;
  });
  const bodyVertex = new Int32Array(V), partLabels = new Uint8Array(V), material = new Uint8Array(V), freedom = new Float32Array(V);
  const spansLegs = new Uint8Array(K);
  let loose = 0, hair = 0;
  const headJointY = joint('head')[1];
  for (let v = 0; v < K; v++) {
    const bv = keptNearest[v]!, d = keptDist[v]!;
    bodyVertex[v] = bv;
    partLabels[v] = body.partLabels[bv]!;
    const t = (d - cfg.hugDistance) / (cfg.freeDistance - cfg.hugDistance);
    freedom[v] = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
    if (d <= cfg.hugDistance) material[v] = PROXY_MATERIAL.skin;
    else {
      const pr = projectPoint(cam, posed[v * 3]!, posed[v * 3 + 1]!, posed[v * 3 + 2]!);
      const px = Math.floor(pr.u), py = Math.floor(pr.v);
      const inImage = px >= 0 && py >= 0 && px < cam.width && py < cam.height;
      const k = inImage ? slabs.kind[py * cam.width + px]! : 0;
      // loose surface over the scalp (above the head joint, which sits at the skull base) is hair
      const headPart = (body.partLabels[bv] === PART_INDEX.head || body.partLabels[bv] === PART_INDEX.face) && posed[v * 3 + 1]! > headJointY;
      material[v] = k === 2 || headPart ? PROXY_MATERIAL.hair : PROXY_MATERIAL.cloth;
      if (material[v] === PROXY_MATERIAL.cloth && inImage) spansLegs[v] = slabs.spansLegs[py * cam.width + px]!;
    }
    if (material[v] === PROXY_MATERIAL.cloth) loose++;
    if (material[v] === PROXY_MATERIAL.hair) hair++;
  }
  patchVerts.forEach((bv, i) => { bodyVertex[K + i] = bv; partLabels[K + i] = body.partLabels[bv]!; material[K + i] = PROXY_MATERIAL.template; });

  // 5. skinning: the body's weights where the proxy hugs it, the diffused volume where it leaves it
  const skin = proxySkinning(body, bodyPosed, posed, bodyVertex, keptDist, K, cfg, { limb: keptLimb, seams, roots: limbSpecs.map((l) => l.root) }, spansLegs, hang);

  // 6. unpose (unposeVertices: the inverse of skinning, or the mean of the joints' rigid unposings for loose cloth in a sharp
  // bend); the template's own vertices take their exact rest positions
  const rest = new Float32Array(V * 3);
  unposeVertices(posed, skin, posedBody.skinTransforms, inp.pose.translation, rest, freedom);
  patchVerts.forEach((bv, i) => { for (let a = 0; a < 3; a++) rest[(K + i) * 3 + a] = posedBody.restVertices[bv * 3 + a]!; });

  const model = new ArrayBodyModel({
    kind: 'proxy',
    template: rest, triangles, cornerUvs, partLabels,
    skeleton: body.skeleton,
    shapeCount: 0, shapeBasis: new Float32Array(0),
    expressionNames: [], expressionBasis: new Float32Array(0),
    skinning: skin,
    jointRegressor: affineJointRegressor(rest, posedBody.restJoints, J),
    landmarkNames: [], landmarkJoints: new Int32Array(0),
    landmarkRegressor: { offsets: new Uint32Array(1), vertices: new Uint32Array(0), weights: new Float32Array(0) },
  });
  return {
    model, templateTriangles, material, freedom, bodyVertex, posed,
    stats: {
      vertices: V, triangles: F, shellVertices: K, templateVertices: P, voxels: gdims,
      shellTopology: { boundaryEdges: shellTopology.boundaryEdges, nonManifoldEdges: shellTopology.nonManifoldEdges, inconsistentEdges: shellTopology.inconsistentEdges },
      looseFraction: loose / Math.max(1, K), hairFraction: hair / Math.max(1, K),
      spansLegsFraction: spansLegs.reduce((n, x) => n + x, 0) / Math.max(1, K), waistHang: hang, shinsApart, legsApart,
      sheetFraction: stretchedAreaFraction(posed, rest, triangles, cfg.sheetStretch),
      hairColour: hairColour && { crown: roundColour(hairColour.crown), torso: roundColour(hairColour.torso), decisive: hairColour.decisive },
    },
  };
}

/**
 * The body triangles the proxy takes from the template: every triangle whose corners are all hand, face or eyes, and then
 * `rings` rings of the body's triangles around them. The shell loses every triangle at a vertex it gives way to, a fan up to a
 * voxel wide beyond the eroded region, so an exact patch left a gap around the face and at the wrists through which the
 * inside of the head showed (a dark arc at the hairline and under the chin); the rings lie on the body under the shell and
 * fill that gap.
 */
function handFacePatch(body: ArrayBodyModel, rings: number): number[] {
  const F = body.triangles.length / 3;
  const inPatch = new Uint8Array(F), vertexIn = new Uint8Array(body.vertexCount);
  for (let f = 0; f < F; f++) {
    let all = true;
    for (let c = 0; c < 3; c++) if (!HAND_FACE.has(body.partLabels[body.triangles[f * 3 + c]!]!)) all = false;
    if (all) inPatch[f] = 1;
  }
  for (let r = 0; r < rings; r++) {
    vertexIn.fill(0);
    for (let f = 0; f < F; f++) if (inPatch[f]) for (let c = 0; c < 3; c++) vertexIn[body.triangles[f * 3 + c]!] = 1;
    for (let f = 0; f < F; f++) if (!inPatch[f] && (vertexIn[body.triangles[f * 3]!] || vertexIn[body.triangles[f * 3 + 1]!] || vertexIn[body.triangles[f * 3 + 2]!])) inPatch[f] = 2;
    for (let f = 0; f < F; f++) if (inPatch[f] === 2) inPatch[f] = 1;
  }
  const out: number[] = [];
  for (let f = 0; f < F; f++) if (inPatch[f]) out.push(f);
  return out;
}

/** Hand and face vertices at least `rings` rings inside their region (the splice hole is smaller than the patch). */
function erodedHandFace(body: ArrayBodyModel, rings: number): Uint8Array {
  const V = body.vertexCount;
  let cur = new Uint8Array(V);
  for (let v = 0; v < V; v++) cur[v] = HAND_FACE.has(body.partLabels[v]!) ? 1 : 0;
  const nb = vertexNeighbours(V, body.triangles);
  for (let r = 0; r < rings; r++) {
    const next = new Uint8Array(cur);
    for (let v = 0; v < V; v++) {
      if (!cur[v]) continue;
      for (let k = nb.offsets[v]!; k < nb.offsets[v + 1]!; k++) if (!cur[nb.list[k]!]) { next[v] = 0; break; }
    }
    cur = next;
  }
  return cur;
}

/** Skinning of the proxy vertices (see step 5 of buildClothedProxy). */
function proxySkinning(body: ArrayBodyModel, bodyPosed: Float32Array, posed: Float32Array, bodyVertex: Int32Array, shellDist: Float32Array, shellCount: number, cfg: ShapeConfig, limbs: LimbInfo, spansLegs: Uint8Array, hang: number): SkinWeights {
  const V = posed.length / 3, Kb = body.skinning.influences, J = body.skeleton.names.length;
  const parallel = skinningParallel(runTasks); // bit-identical to one thread
  const vol = buildSkinningVolume(bodyPosed, body.skinning, J, { parallel });
  const sigmas = new Float32Array(V).fill(cfg.voxelSize);
  const volumeSkin = sampleSkinningWeights(vol, posed, sigmas, Kb, undefined, parallel);
  const joints = new Uint16Array(V * Kb), weights = new Float32Array(V * Kb);
  const acc = new Float64Array(J);
  const armJoints = armJointSet(body);
  const onLimb = limbs.roots.map((root) => { const m = new Uint8Array(J); for (const j of descendantJoints(body, [root])) m[j] = 1; return m; });
  const armDistance = distanceToArms(body, bodyPosed, posed, shellCount, cfg.armReach + cfg.voxelSize);
  const legs = legChains(body);
  for (let v = 0; v < V; v++) {
    const bv = bodyVertex[v]!;
    // blend factor towards the volume: 0 on the template's own vertices and where the proxy hugs the body
    const d = v < shellCount ? shellDist[v]! : 0;
    const t = Math.max(0, Math.min(1, (d - cfg.hugDistance) / cfg.skinBlendDistance));
    acc.fill(0);
    for (let k = 0; k < Kb; k++) acc[body.skinning.joints[bv * Kb + k]!] += (1 - t) * body.skinning.weights[bv * Kb + k]!;
    for (let k = 0; k < Kb; k++) acc[volumeSkin.joints[v * Kb + k]!] += t * volumeSkin.weights[v * Kb + k]!;
    // Loose surface hangs from the trunk unless it is a sleeve: within `armReach` of an arm whose nearest body point
    // is on that arm (`hugDistance` for a hand). Cloth between an arm and the body (a coat over hanging arms, arms
    // crossed, a skirt beside a hand) must not stretch into sheets or flaps when the arm moves.
    if (v < shellCount && d > cfg.hugDistance && limbs.limb[v] === PROXY_REST) {
      const part = body.partLabels[bv]!;
      const reach = ARM_PARTS.has(part) ? cfg.armReach : HAND_PARTS.has(part) ? cfg.hugDistance : -1;
      if (armDistance[v]! > reach) for (const j of armJoints) acc[j] = 0;
    }
    if (v < shellCount && spansLegs[v]) hangFromWaist(acc, legs, t * hang, cfg.skirtLegWeight);
    // Limb parts move with their own bones only: an arm's part drops every other joint, the rest drops the arms' joints —
    // fading in from the shoulder or ankle (the seam radii), where the parts' surfaces meet and must move together.
    if (v < shellCount) {
      const limb = limbs.limb[v]!;
      limbs.seams.forEach((s, k) => {
        if (limb !== PROXY_REST && limb !== k + 1) return;
        const r = Math.hypot(posed[v * 3]! - s.root[0]!, posed[v * 3 + 1]! - s.root[1]!, posed[v * 3 + 2]! - s.root[2]!);
        const u = Math.max(0, Math.min(1, (r - s.radius) / s.radius));
        const keep = 1 - u * u * (3 - 2 * u);
        // the rest drops this limb's bones; the limb drops every bone not its own
        for (let j = 0; j < J; j++) if ((limb === PROXY_REST) === (onLimb[k]![j] === 1)) acc[j]! *= keep;
      });
      let total = 0;
      for (let j = 0; j < J; j++) total += acc[j]!;
      if (total <= 1e-6) {
        // nothing of its own bones reaches here through the volume: the nearest body vertex of its own limb decides
        acc.fill(0);
        for (let k = 0; k < Kb; k++) acc[body.skinning.joints[bv * Kb + k]!] += body.skinning.weights[bv * Kb + k]!;
      }
    }
    let sum = 0;
    for (let k = 0; k < Kb; k++) {
      let best = -1, bw = 0;
      for (let j = 0; j < J; j++) if (acc[j]! > bw) { bw = acc[j]!; best = j; }
      if (best < 0) break;
      joints[v * Kb + k] = best; weights[v * Kb + k] = bw; sum += bw; acc[best] = -1;
    }
    if (sum === 0) { joints[v * Kb] = body.skinning.joints[bv * Kb]!; weights[v * Kb] = 1; sum = 1; } // (a hand's own weights)
    for (let k = 0; k < Kb; k++) weights[v * Kb + k]! /= sum;
  }
  return { influences: Kb, joints, weights };
}

/** The two leg chains: each joint below a hip mapped to that leg's thigh joint (−1 off the legs), and the pelvis. */
interface LegChains { thighOf: Int32Array; thighs: number[]; pelvis: number }

function legChains(body: ArrayBodyModel): LegChains {
  const J = body.skeleton.names.length, thighOf = new Int32Array(J).fill(-1), thighs: number[] = [];
  for (const name of ['thigh_l', 'thigh_r']) {
    const t = body.skeleton.names.indexOf(name);
    if (t < 0) continue;
    thighs.push(t);
    for (const j of descendantJoints(body, [name])) thighOf[j] = t;
  }
  return { thighOf, thighs, pelvis: body.skeleton.names.indexOf('pelvis') };
}

/**
 * A garment that spans the legs hangs from the waist and is pushed by the thighs (SHAPE_CONFIG.skirtLegWeight): weight on
 * the knees and below moves onto the thigh of the same leg, and the thighs keep at most `legShare` of the total, the rest
 * going to the pelvis — blended in by `t` (0 where the garment hugs the body, 1 where it has left it).
 */
function hangFromWaist(acc: Float64Array, legs: LegChains, t: number, legShare: number): void {
  if (legs.pelvis < 0 || legs.thighs.length < 2 || t <= 0) return;
  let total = 0;
  for (let j = 0; j < acc.length; j++) {
    total += acc[j]!;
    const thigh = legs.thighOf[j]!;
    if (thigh < 0 || thigh === j) continue;
    const moved = t * acc[j]!;
    acc[j]! -= moved; acc[thigh]! += moved;
  }
  let leg = 0;
  for (let j = 0; j < acc.length; j++) if (legs.thighOf[j]! >= 0) leg += acc[j]!;
  const excess = t * Math.max(0, leg - legShare * total);
  if (excess <= 0) return;
  for (let j = 0; j < acc.length; j++) if (legs.thighOf[j]! >= 0) acc[j]! *= 1 - excess / leg;
  acc[legs.pelvis]! += excess;
}

/** Per pixel, which leg part the front-most body triangle belongs to (slabs.ts legSide: 1 left thigh, 2 right thigh, 3 left shin or
 * foot, 4 right shin or foot, 0 neither; the part of its first corner). */
function legSideMap(triangleId: Int32Array, body: ArrayBodyModel): Uint8Array {
  const code = new Uint8Array(PART_INDEX.rightFoot + 1);
  code[PART_INDEX.leftUpperLeg] = 1; code[PART_INDEX.rightUpperLeg] = 2;
  code[PART_INDEX.leftLowerLeg] = 3; code[PART_INDEX.leftFoot] = 3; code[PART_INDEX.rightLowerLeg] = 4; code[PART_INDEX.rightFoot] = 4;
  const out = new Uint8Array(triangleId.length);
  for (let p = 0; p < triangleId.length; p++) {
    const f = triangleId[p]!;
    if (f >= 0) out[p] = code[body.partLabels[body.triangles[f * 3]!]!] ?? 0;
  }
  return out;
}

/** Per pixel, 1 where the front-most body triangle is an arm's or a hand's (slabs.ts armPixels; the part of its first corner). */
function armPixelMap(triangleId: Int32Array, body: ArrayBodyModel): Uint8Array {
  const arm = new Set<number>([PART_INDEX.leftUpperArm, PART_INDEX.rightUpperArm, PART_INDEX.leftForearm, PART_INDEX.rightForearm, PART_INDEX.leftHand, PART_INDEX.rightHand]);
  const out = new Uint8Array(triangleId.length);
  for (let p = 0; p < triangleId.length; p++) {
    const f = triangleId[p]!;
    if (f >= 0 && arm.has(body.partLabels[body.triangles[f * 3]!]!)) out[p] = 1;
  }
  return out;
}

/** Where a limb's part meets the rest: its root joint (posed) and the seam's radius. */
interface LimbSeam {
  root: [number, number, number];
  radius: number;
}

/** What the skinning needs of the limb partition: each shell vertex's part (0 rest, k the k-th limb), the seams, and each
 * limb's root joint (its bones are the root's descendants). */
interface LimbInfo {
  limb: Uint8Array;
  seams: LimbSeam[];
  roots: string[];
}

/** The shell's limb parts as one mesh, with the part of each vertex. */
function concatMeshes(parts: Array<{ positions: Float32Array; triangles: Uint32Array }>): { positions: Float32Array; triangles: Uint32Array; part: Uint8Array } {
  const V = parts.reduce((n, p) => n + p.positions.length / 3, 0), F = parts.reduce((n, p) => n + p.triangles.length, 0);
  const positions = new Float32Array(V * 3), triangles = new Uint32Array(F), part = new Uint8Array(V);
  let v0 = 0, f0 = 0;
  parts.forEach((p, k) => {
    positions.set(p.positions, v0 * 3);
    for (let i = 0; i < p.triangles.length; i++) triangles[f0 + i] = p.triangles[i]! + v0;
    part.fill(k, v0, v0 + p.positions.length / 3);
    v0 += p.positions.length / 3; f0 += p.triangles.length;
  });
  return { positions, triangles, part };
}

/** Joints of the arms from the upper arm down (clavicles stay with the trunk). */
function armJointSet(body: ArrayBodyModel): number[] {
  return descendantJoints(body, ['upperarm_l', 'upperarm_r']);
}

/** The named joints and all their descendants. */
function descendantJoints(body: ArrayBodyModel, rootNames: string[]): number[] {
  const names = body.skeleton.names, parents = body.skeleton.parents;
  const roots = rootNames.map((n) => names.indexOf(n)).filter((j) => j >= 0);
  const out: number[] = [];
  for (let j = 0; j < names.length; j++) {
    for (let a = j; a >= 0; a = parents[a]!) if (roots.includes(a)) { out.push(j); break; }
  }
  return out;
}

/** Distance of each shell vertex to the nearest arm or hand vertex of the posed body, clamped at `bound` (only compared with reaches below it). */
function distanceToArms(body: ArrayBodyModel, bodyPosed: Float32Array, posed: Float32Array, shellCount: number, bound: number): Float32Array {
  const arm = new Set<number>([PART_INDEX.leftUpperArm, PART_INDEX.rightUpperArm, PART_INDEX.leftForearm, PART_INDEX.rightForearm, PART_INDEX.leftHand, PART_INDEX.rightHand]);
  const pts: number[] = [];
  for (let v = 0; v < body.vertexCount; v++) if (arm.has(body.partLabels[v]!)) pts.push(bodyPosed[v * 3]!, bodyPosed[v * 3 + 1]!, bodyPosed[v * 3 + 2]!);
  const index = new PointIndex(Float32Array.from(pts), 0.05);
  const out = new Float32Array(shellCount);
  for (let v = 0; v < shellCount; v++) out[v] = index.distanceWithin(posed[v * 3]!, posed[v * 3 + 1]!, posed[v * 3 + 2]!, bound);
  return out;
}

/**
 * Unposing per vertex (shape stage 19). The inverse of linear blend skinning, rest = M⁻¹ (x − t − m) with M|m = Σ_j w_j A_j, is
 * exact for a surface that skinning made — the body, and the proxy where it hugs the body — but flings a carved surface out of a
 * sharp bend: two rotations θ apart blended half and half shrink M to determinant cos²(θ/2), and its inverse stretches the offset
 * from the bend by 1/cos(θ/2), 2× at 120° (cloth in the knee pit of a jump, under a raised arm). Until stage 18 a vertex below
 * a determinant of 0.6 took its strongest joint's rigid unposing alone, and where the strongest joint changed across the crease
 * neighbours landed far apart: canonical sheets (man-jump-red's and woman-stripes' raised arms, docs/shape.md). Now a loose
 * vertex (`looseness` 1; the proxy's freedom) takes the weighted mean of its joints' rigid unposings, Σ_j w_j A_j⁻¹ (x − t),
 * which never moves a point farther from a bend than it is, where M's determinant is at or below
 * SHAPE_CONFIG.unposeRigidBelow, the exact inverse at or above unposeExactAbove, smoothly mixed between; for a vertex that
 * hugs the body (looseness 0) the window lies unposeHugShift lower (exact down to 0.6, the old switch's threshold), since its
 * surface is near the one skinning made — but not down to a degenerate blend.
 */
export function unposeVertices(posed: ArrayLike<number>, skin: SkinWeights, transforms: Float64Array, translation: ArrayLike<number>, out: Float32Array, looseness?: ArrayLike<number>): void {
  const V = posed.length / 3, K = skin.influences;
  const lo = SHAPE_CONFIG.unposeRigidBelow, hi = SHAPE_CONFIG.unposeExactAbove;
  const M = new Float64Array(12);
  for (let v = 0; v < V; v++) {
    M.fill(0);
    for (let k = 0; k < K; k++) {
      const w = skin.weights[v * K + k]!;
      if (w === 0) continue;
      const o = skin.joints[v * K + k]! * 12;
      for (let e = 0; e < 12; e++) M[e]! += w * transforms[o + e]!;
    }
    const px = posed[v * 3]! - translation[0]!, py = posed[v * 3 + 1]! - translation[1]!, pz = posed[v * 3 + 2]! - translation[2]!;
    const x = px - M[3]!, y = py - M[7]!, z = pz - M[11]!;
    const a = M[0]!, b = M[1]!, c = M[2]!, d = M[4]!, e = M[5]!, f = M[6]!, g = M[8]!, h = M[9]!, i = M[10]!;
    const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    // the window of determinants over which the exact inverse gives way: [lo, hi] for loose cloth, down to [lo − shift, hi − shift]
    // where the proxy hugs the body (its surface is near the one skinning made, and the inverse near right)
    const shift = (1 - (looseness ? looseness[v]! : 1)) * SHAPE_CONFIG.unposeHugShift;
    const exact = det >= hi - shift ? 1 : det <= lo - shift ? 0 : smoothstep((det - lo + shift) / (hi - lo));
    let rx = 0, ry = 0, rz = 0;
    if (exact > 0) {
      const inv = exact / det;
      rx = inv * ((e * i - f * h) * x + (c * h - b * i) * y + (b * f - c * e) * z);
      ry = inv * ((f * g - d * i) * x + (a * i - c * g) * y + (c * d - a * f) * z);
      rz = inv * ((d * h - e * g) * x + (b * g - a * h) * y + (a * e - b * d) * z);
    }
    // the rest: Σ_j w_j Rⱼᵀ (x − tⱼ), each joint's rigid unposing (row-major 3×4 transforms), weighted
    for (let k = 0; k < K && exact < 1; k++) {
      const w = (1 - exact) * skin.weights[v * K + k]!;
      if (w === 0) continue;
      const o = skin.joints[v * K + k]! * 12;
      const qx = px - transforms[o + 3]!, qy = py - transforms[o + 7]!, qz = pz - transforms[o + 11]!;
      rx += w * (transforms[o]! * qx + transforms[o + 4]! * qy + transforms[o + 8]! * qz);
      ry += w * (transforms[o + 1]! * qx + transforms[o + 5]! * qy + transforms[o + 9]! * qz);
      rz += w * (transforms[o + 2]! * qx + transforms[o + 6]! * qy + transforms[o + 10]! * qz);
    }
    out[v * 3] = rx; out[v * 3 + 1] = ry; out[v * 3 + 2] = rz;
  }
}

function smoothstep(t: number): number { return t * t * (3 - 2 * t); }

/**
 * A joint regressor over the proxy that reproduces given rest joints exactly: each joint as an affine
 * combination of four nearby proxy vertices spanning a well-shaped tetrahedron.
 */
export function affineJointRegressor(rest: Float32Array, joints: ArrayLike<number>, J: number): SparseRegressor {
  const index = new PointIndex(rest, 0.04);
  const offsets = new Uint32Array(J + 1), vertices = new Uint32Array(J * 4), weights = new Float32Array(J * 4);
  const V = rest.length / 3;
  for (let j = 0; j < J; j++) {
    const jx = joints[j * 3]!, jy = joints[j * 3 + 1]!, jz = joints[j * 3 + 2]!;
    // candidates: the 48 vertices nearest to the joint
    const first = index.nearest(jx, jy, jz).index;
    const cand: Array<{ v: number; d: number }> = [];
    for (let v = 0; v < V; v++) {
      const d = (rest[v * 3]! - jx) ** 2 + (rest[v * 3 + 1]! - jy) ** 2 + (rest[v * 3 + 2]! - jz) ** 2;
      if (cand.length < 48 || d < cand[cand.length - 1]!.d) {
        cand.push({ v, d }); cand.sort((x, y) => x.d - y.d);
        if (cand.length > 48) cand.pop();
      }
    }
    const pick = [first];
    const p = (v: number): [number, number, number] => [rest[v * 3]!, rest[v * 3 + 1]!, rest[v * 3 + 2]!];
    // greedy: farthest point, then farthest from the line, then farthest from the plane
    const score = [
      (v: number) => dist2(p(v), p(pick[0]!)),
      (v: number) => lineDist2(p(v), p(pick[0]!), p(pick[1]!)),
      (v: number) => Math.abs(tetVolume(p(pick[0]!), p(pick[1]!), p(pick[2]!), p(v))),
    ];
    for (const s of score) {
      let best = cand[0]!.v, bs = -1;
      for (const c of cand) { const x = s(c.v); if (x > bs && !pick.includes(c.v)) { bs = x; best = c.v; } }
      pick.push(best);
    }
    const lam = barycentric4(pick.map(p) as Array<[number, number, number]>, [jx, jy, jz]);
    offsets[j + 1] = (j + 1) * 4;
    for (let k = 0; k < 4; k++) { vertices[j * 4 + k] = pick[k]!; weights[j * 4 + k] = lam[k]!; }
  }
  return { offsets, vertices, weights };
}

function dist2(a: number[], b: number[]): number { return (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2; }
function lineDist2(p: number[], a: number[], b: number[]): number {
  const ux = b[0]! - a[0]!, uy = b[1]! - a[1]!, uz = b[2]! - a[2]!;
  const vx = p[0]! - a[0]!, vy = p[1]! - a[1]!, vz = p[2]! - a[2]!;
  const cx = uy * vz - uz * vy, cy = uz * vx - ux * vz, cz = ux * vy - uy * vx;
  return (cx * cx + cy * cy + cz * cz) / Math.max(1e-18, ux * ux + uy * uy + uz * uz);
}
function tetVolume(a: number[], b: number[], c: number[], d: number[]): number {
  const u = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!], v = [c[0]! - a[0]!, c[1]! - a[1]!, c[2]! - a[2]!], w = [d[0]! - a[0]!, d[1]! - a[1]!, d[2]! - a[2]!];
  return u[0]! * (v[1]! * w[2]! - v[2]! * w[1]!) - u[1]! * (v[0]! * w[2]! - v[2]! * w[0]!) + u[2]! * (v[0]! * w[1]! - v[1]! * w[0]!);
}
/** Affine coordinates λ (Σλ = 1) of x in the tetrahedron p0..p3 (float64 Cramer's rule). */
function barycentric4(p: Array<[number, number, number]>, x: [number, number, number]): number[] {
  const vol = tetVolume(p[0]!, p[1]!, p[2]!, p[3]!);
  if (Math.abs(vol) < 1e-15) return [1, 0, 0, 0]; // degenerate: the nearest vertex alone
  const l1 = tetVolume(p[0]!, x, p[2]!, p[3]!) / vol, l2 = tetVolume(p[0]!, p[1]!, x, p[3]!) / vol, l3 = tetVolume(p[0]!, p[1]!, p[2]!, x) / vol;
  return [1 - l1 - l2 - l3, l1, l2, l3];
}

/** Unit direction from the middle of the hips to the neck: the up along which a hanging hem is level. */
function trunkUp(neck: readonly number[], hipL: readonly number[], hipR: readonly number[]): [number, number, number] {
  const d = [0, 1, 2].map((a) => neck[a]! - (hipL[a]! + hipR[a]!) / 2);
  const n = Math.hypot(d[0]!, d[1]!, d[2]!);
  if (!(n > 1e-9)) throw new PersonaError('shape: the fitted body has no neck or hip joints', { hint: 'the body model must have neck_01, thigh_l and thigh_r joints' });
  return [d[0]! / n, d[1]! / n, d[2]! / n];
}

/** A colour rounded to three decimals for the manifest; null stays null. */
function roundColour(c: [number, number, number] | null): [number, number, number] | null {
  return c && (c.map((v) => Math.round(v * 1000) / 1000) as [number, number, number]);
}
