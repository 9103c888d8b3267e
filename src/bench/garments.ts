/**
 * Loose clothing for synthetic subjects, with POSE-DEPENDENT NON-RIGID DEFORMATION.
 *
 * Two garments:
 * - a skirt: a separate tube mesh from the waist to the hem, built around the subject's rest
 *   body, skinned to pelvis and thighs;
 * - loose short sleeves: the sleeve band of the upper-arm body vertices.
 *
 * Both deform as documented, smooth functions of joint angles, applied as canonical (rest
 * space) offsets before linear blend skinning — the same form of correction that the PERSONA
 * avatar learns (pose-driven offsets in canonical space):
 *
 * Skirt, for a skirt vertex at hem parameter t ∈ [0,1] (0 waist, 1 hem), outward direction
 * r̂(θ) around the body axis, with φ_L, φ_R the forward swing of each thigh and α_L, α_R its
 * outward spread (radians, relative to rest, measured from the thigh's posed direction in
 * the pelvis frame), and g the gravity direction in the pelvis frame:
 *
 *   δ = t² · [ A_swing · (sin φ_L + sin φ_R)/2 · ẑ
 *            + A_flare · (|sin φ_L − sin φ_R| + max(0, sin α_L) + max(0, sin α_R)) · r̂(θ)
 *            + A_drape · (g_x, 0, g_z) ]
 *
 * i.e. the hem lifts forward when both legs swing forward, widens (stretches) when the legs
 * separate (walking, kicking, straddling), and hangs towards gravity when the pelvis tilts.
 *
 * Sleeve, for a sleeve vertex with band weight w (0 at the shoulder side, 1 at the hem) and
 * radial direction r̂ from the upper-arm axis: with g⊥ the part of gravity perpendicular to the
 * arm in the upper arm's frame (g⊥₀ at rest) and e the rise of the arm direction's world-up
 * component over rest,
 *
 *   δ = w · [ A_sleeveDrape · (g⊥ − g⊥₀) + A_sleeveOpen · max(0, e) · r̂ ]
 *
 * i.e. the sleeve hem sags towards the ground and opens as the arm is raised.
 */
import { PersonaError } from '../core/errors.js';
import { PART_INDEX, type SkinWeights } from '../body/index.js';

/** Deformation amplitudes (metres); chosen so a 45° step moves the hem by a few centimetres. */
export const GARMENT_CONFIG = {
  skirt: { rings: 14, segments: 96, clearance: 0.014, A_swing: 0.09, A_flare: 0.07, A_drape: 0.12, thighWeightAtHem: 0.55 },
  sleeve: { A_sleeveDrape: 0.035, A_sleeveOpen: 0.03, start: 0.12, end: 0.5 },
} as const;

/** Skirt shape parameters. */
export interface SkirtSpec {
  /** Hem height as a fraction of the hip→knee distance below the hip joints (1 = knee). */
  length: number;
  /** Extra hem radius (metres) beyond the body: 0 = straight, 0.12 = A-line, 0.25 = full. */
  flare: number;
}

/** A garment mesh with its skinning and the per-vertex parameters of its deformation. */
export interface GarmentMesh {
  /** V×3 rest vertices (metres). */
  rest: Float32Array;
  /** F×3 triangles, counter-clockwise seen from outside. */
  triangles: Uint32Array;
  /** F×3×2 corner UVs (v up): u around the body from the front, v from hem (0) to waist (1). */
  cornerUvs: Float32Array;
  skin: SkinWeights;
  /** V part labels (BODY_PARTS) of the nearest underlying body region. */
  partLabels: Uint8Array;
  /** V hem parameter t (0 waist … 1 hem). */
  hem: Float32Array;
  /** V×3 outward unit direction r̂(θ) (rest). */
  radial: Float32Array;
}

/** Joint indices by name (throws a PersonaError for a missing joint). */
export function jointIndex(names: string[], name: string): number {
  const j = names.indexOf(name);
  if (j < 0) throw new PersonaError(`garments: the skeleton has no joint '${name}'`, { hint: 'Synthetic subjects need the MakeHuman (game_engine) skeleton.' });
  return j;
}

/**
 * Builds a skirt around the rest body: rings from the waist to the hem whose radius is the
 * body's support function in each direction (torso and legs within a height band) plus a
 * clearance, made non-decreasing downwards, plus `flare`·t², smoothed around the ring.
 */
export function buildSkirt(rest: ArrayLike<number>, partLabels: ArrayLike<number>, jointNames: string[], restJoints: ArrayLike<number>, spec: SkirtSpec): GarmentMesh {
  const cfg = GARMENT_CONFIG.skirt;
  const J = (n: string) => { const j = jointIndex(jointNames, n); return [restJoints[j * 3]!, restJoints[j * 3 + 1]!, restJoints[j * 3 + 2]!]; };
  const spine = J('spine_01'), pelvis = J('pelvis'), thighL = J('thigh_l'), kneeL = J('calf_l');
  const yWaist = spine[1]! + 0.01;
  const yHem = thighL[1]! + (kneeL[1]! - thighL[1]!) * spec.length;
  const cz = pelvis[2]!;
  const NR = cfg.rings, NS = cfg.segments;
  const V = rest.length / 3;
  const allowed = new Set<number>([PART_INDEX.torso, PART_INDEX.leftUpperLeg, PART_INDEX.rightUpperLeg, PART_INDEX.leftLowerLeg, PART_INDEX.rightLowerLeg]);
  const radius: number[][] = [];
  const dirs: Array<[number, number]> = [];
  for (let j = 0; j < NS; j++) { const th = (j / NS) * 2 * Math.PI; dirs.push([Math.sin(th), Math.cos(th)]); }
  for (let i = 0; i <= NR; i++) {
    const t = i / NR, y = yWaist + (yHem - yWaist) * t;
    const band = 0.02 + 0.01 * t;
    const h = new Array<number>(NS).fill(0.05);
    for (let v = 0; v < V; v++) {
      if (!allowed.has(partLabels[v]!)) continue;
      const vy = rest[v * 3 + 1]!;
      if (Math.abs(vy - y) > band) continue;
      const x = rest[v * 3]!, z = rest[v * 3 + 2]! - cz;
      for (let j = 0; j < NS; j++) { const s = x * dirs[j]![0] + z * dirs[j]![1]; if (s > h[j]!) h[j] = s; }
    }
    const prev = radius[i - 1];
    radius.push(h.map((r, j) => Math.max(r + cfg.clearance, prev ? prev[j]! : 0)));
  }
  // Angular smoothing (3 passes of a [1 2 1]/4 kernel) then flare.
  for (let i = 0; i <= NR; i++) {
    let r = radius[i]!;
    for (let pass = 0; pass < 3; pass++) r = r.map((_, j) => (r[(j + NS - 1) % NS]! + 2 * r[j]! + r[(j + 1) % NS]!) / 4);
    const t = i / NR;
    radius[i] = r.map((x) => x + spec.flare * t * t);
  }
  // Vertices: (NR+1) rings × (NS+1) columns (the seam column duplicated for UVs).
  const cols = NS + 1, count = (NR + 1) * cols;
  const pos = new Float32Array(count * 3), hem = new Float32Array(count), radial = new Float32Array(count * 3), labels = new Uint8Array(count);
  const K = 3;
  const joints = new Uint16Array(count * K), weights = new Float32Array(count * K);
  const jp = jointIndex(jointNames, 'pelvis'), jl = jointIndex(jointNames, 'thigh_l'), jr = jointIndex(jointNames, 'thigh_r');
  for (let i = 0; i <= NR; i++) {
    const t = i / NR, y = yWaist + (yHem - yWaist) * t;
    for (let j = 0; j <= NS; j++) {
      const k = i * cols + j, d = dirs[j % NS]!, r = radius[i]![j % NS]!;
      pos[k * 3] = d[0] * r; pos[k * 3 + 1] = y; pos[k * 3 + 2] = cz + d[1] * r;
      hem[k] = t;
      radial[k * 3] = d[0]; radial[k * 3 + 2] = d[1];
      const side = d[0]; // +1 on the left (+X), −1 on the right
      const wl = t * cfg.thighWeightAtHem * Math.min(1, Math.max(0, 0.5 + 1.2 * side));
      const wr = t * cfg.thighWeightAtHem * Math.min(1, Math.max(0, 0.5 - 1.2 * side));
      joints[k * K] = jp; weights[k * K] = 1 - wl - wr;
      joints[k * K + 1] = jl; weights[k * K + 1] = wl;
      joints[k * K + 2] = jr; weights[k * K + 2] = wr;
      labels[k] = t < 0.3 ? PART_INDEX.torso : side >= 0 ? PART_INDEX.leftUpperLeg : PART_INDEX.rightUpperLeg;
    }
  }
  const tris: number[] = [];
  const uvs: number[] = [];
  const uvOf = (i: number, j: number) => [j / NS, 1 - i / NR];
  for (let i = 0; i < NR; i++) {
    for (let j = 0; j < NS; j++) {
      const a = i * cols + j, b = a + 1, c = a + cols + 1, d = a + cols;
      // Seen from outside (front): a top-left, b top-right (towards +X), d below a.
      tris.push(a, d, c, a, c, b);
      uvs.push(...uvOf(i, j), ...uvOf(i + 1, j), ...uvOf(i + 1, j + 1), ...uvOf(i, j), ...uvOf(i + 1, j + 1), ...uvOf(i, j + 1));
    }
  }
  return {
    rest: pos, triangles: Uint32Array.from(tris), cornerUvs: Float32Array.from(uvs),
    skin: { influences: K, joints, weights }, partLabels: labels, hem, radial,
  };
}

/** R·v for a 3×4 row-major transform's rotation at offset o. */
function rotate(G: Float64Array, o: number, x: number, y: number, z: number, out: number[]): void {
  out[0] = G[o]! * x + G[o + 1]! * y + G[o + 2]! * z;
  out[1] = G[o + 4]! * x + G[o + 5]! * y + G[o + 6]! * z;
  out[2] = G[o + 8]! * x + G[o + 9]! * y + G[o + 10]! * z;
}
/** Rᵀ·v for a 3×4 row-major transform's rotation at offset o. */
function rotateT(G: Float64Array, o: number, x: number, y: number, z: number, out: number[]): void {
  out[0] = G[o]! * x + G[o + 4]! * y + G[o + 8]! * z;
  out[1] = G[o + 1]! * x + G[o + 5]! * y + G[o + 9]! * z;
  out[2] = G[o + 2]! * x + G[o + 6]! * y + G[o + 10]! * z;
}

/** The pose features that drive the skirt (see the module comment). */
export interface SkirtDrivers {
  swingL: number; swingR: number; spreadL: number; spreadR: number;
  /** Gravity in the pelvis frame. */
  gravity: [number, number, number];
}

/**
 * Computes the skirt drivers from global joint transforms (J×12, 3×4 row-major, from
 * forwardKinematics) and rest joints.
 */
export function skirtDrivers(jointNames: string[], restJoints: ArrayLike<number>, globals: Float64Array): SkirtDrivers {
  const jp = jointIndex(jointNames, 'pelvis') * 12;
  const g = [0, 0, 0];
  rotateT(globals, jp, 0, -1, 0, g);
  const leg = (thigh: string, knee: string, side: number) => {
    const a = jointIndex(jointNames, thigh), b = jointIndex(jointNames, knee);
    const d0 = [restJoints[b * 3]! - restJoints[a * 3]!, restJoints[b * 3 + 1]! - restJoints[a * 3 + 1]!, restJoints[b * 3 + 2]! - restJoints[a * 3 + 2]!];
    const w = [0, 0, 0], d = [0, 0, 0];
    rotate(globals, a * 12, d0[0]!, d0[1]!, d0[2]!, w); // world direction of the posed thigh
    rotateT(globals, jp, w[0]!, w[1]!, w[2]!, d); // …in the pelvis frame
    const swing = Math.atan2(d[2]!, -d[1]!) - Math.atan2(d0[2]!, -d0[1]!);
    const spread = Math.atan2(d[0]! * side, -d[1]!) - Math.atan2(d0[0]! * side, -d0[1]!);
    return [swing, spread] as const;
  };
  const [swingL, spreadL] = leg('thigh_l', 'calf_l', 1);
  const [swingR, spreadR] = leg('thigh_r', 'calf_r', -1);
  return { swingL, swingR, spreadL, spreadR, gravity: [g[0]!, g[1]!, g[2]!] };
}

/** Canonical skirt offsets δ (V×3) for the given drivers (formula in the module comment). */
export function skirtOffsets(skirt: GarmentMesh, d: SkirtDrivers, out = new Float32Array(skirt.rest.length)): Float32Array {
  const c = GARMENT_CONFIG.skirt;
  const swing = c.A_swing * (Math.sin(d.swingL) + Math.sin(d.swingR)) / 2;
  const flare = c.A_flare * (Math.abs(Math.sin(d.swingL) - Math.sin(d.swingR)) + Math.max(0, Math.sin(d.spreadL)) + Math.max(0, Math.sin(d.spreadR)));
  const gx = c.A_drape * d.gravity[0], gz = c.A_drape * d.gravity[2];
  const n = skirt.hem.length;
  for (let k = 0; k < n; k++) {
    const t2 = skirt.hem[k]! * skirt.hem[k]!;
    out[k * 3] = t2 * (flare * skirt.radial[k * 3]! + gx);
    out[k * 3 + 1] = 0;
    out[k * 3 + 2] = t2 * (swing + flare * skirt.radial[k * 3 + 2]! + gz);
  }
  return out;
}

/** The sleeve band of a loose short sleeve on the body: per-vertex weight and radial direction. */
export interface SleeveBand {
  /** Vertex indices of the band. */
  vertices: Uint32Array;
  /** Band weight w per listed vertex (0 shoulder side … 1 hem). */
  weight: Float32Array;
  /** Radial unit direction from the arm axis (rest), 3 per listed vertex. */
  radial: Float32Array;
  /** Side of each listed vertex: 0 left arm, 1 right arm. */
  side: Uint8Array;
}

/**
 * Finds the sleeve band: upper-arm vertices whose parameter along shoulder→elbow lies in
 * [start, hem]; w rises smoothly to 1 at the hem.
 */
export function buildSleeveBand(rest: ArrayLike<number>, partLabels: ArrayLike<number>, jointNames: string[], restJoints: ArrayLike<number>, hem: number): SleeveBand {
  const J = (n: string) => { const j = jointIndex(jointNames, n); return [restJoints[j * 3]!, restJoints[j * 3 + 1]!, restJoints[j * 3 + 2]!]; };
  const verts: number[] = [], w: number[] = [], rad: number[] = [], sides: number[] = [];
  const start = GARMENT_CONFIG.sleeve.start;
  for (let v = 0; v < rest.length / 3; v++) {
    const part = partLabels[v]!;
    const isL = part === PART_INDEX.leftUpperArm, isR = part === PART_INDEX.rightUpperArm;
    if (!isL && !isR && part !== PART_INDEX.torso) continue;
    const s = rest[v * 3]! > 0 ? 'l' : 'r';
    const a = J(`upperarm_${s}`), b = J(`lowerarm_${s}`);
    const ax = b[0]! - a[0]!, ay = b[1]! - a[1]!, az = b[2]! - a[2]!;
    const l2 = ax * ax + ay * ay + az * az;
    const px = rest[v * 3]! - a[0]!, py = rest[v * 3 + 1]! - a[1]!, pz = rest[v * 3 + 2]! - a[2]!;
    const t = (px * ax + py * ay + pz * az) / l2;
    if (t < start || t > hem) continue;
    if (!isL && !isR) continue;
    const rx = px - t * ax, ry = py - t * ay, rz = pz - t * az, rl = Math.hypot(rx, ry, rz) || 1;
    verts.push(v);
    const x = (t - start) / (hem - start);
    w.push(x * x * (3 - 2 * x));
    rad.push(rx / rl, ry / rl, rz / rl);
    sides.push(isL ? 0 : 1);
  }
  return { vertices: Uint32Array.from(verts), weight: Float32Array.from(w), radial: Float32Array.from(rad), side: Uint8Array.from(sides) };
}

/**
 * Adds the canonical sleeve offsets (formula in the module comment) to `restOut` (V×3, a copy
 * of the rest vertices) for the given global transforms.
 */
export function addSleeveOffsets(band: SleeveBand, jointNames: string[], restJoints: ArrayLike<number>, globals: Float64Array, restOut: Float64Array | Float32Array): void {
  const c = GARMENT_CONFIG.sleeve;
  const per: Array<{ d: number[]; open: number }> = [];
  for (const s of ['l', 'r']) {
    const a = jointIndex(jointNames, `upperarm_${s}`), b = jointIndex(jointNames, `lowerarm_${s}`);
    const ax = restJoints[b * 3]! - restJoints[a * 3]!, ay = restJoints[b * 3 + 1]! - restJoints[a * 3 + 1]!, az = restJoints[b * 3 + 2]! - restJoints[a * 3 + 2]!;
    const al = Math.hypot(ax, ay, az);
    const axis = [ax / al, ay / al, az / al];
    // Gravity in the upper arm's frame, and its part perpendicular to the (rest-frame) arm axis.
    const g = [0, 0, 0];
    rotateT(globals, a * 12, 0, -1, 0, g);
    const perp = (v: number[]) => { const d = v[0]! * axis[0]! + v[1]! * axis[1]! + v[2]! * axis[2]!; return [v[0]! - d * axis[0]!, v[1]! - d * axis[1]!, v[2]! - d * axis[2]!]; };
    const gp = perp(g), gp0 = perp([0, -1, 0]);
    const w = [0, 0, 0];
    rotate(globals, a * 12, axis[0]!, axis[1]!, axis[2]!, w);
    per.push({ d: [gp[0]! - gp0[0]!, gp[1]! - gp0[1]!, gp[2]! - gp0[2]!], open: Math.max(0, w[1]! - axis[1]!) });
  }
  for (let i = 0; i < band.vertices.length; i++) {
    const v = band.vertices[i]!, w = band.weight[i]!, p = per[band.side[i]!]!;
    for (let k = 0; k < 3; k++) restOut[v * 3 + k]! += w * (c.A_sleeveDrape * p.d[k]! + c.A_sleeveOpen * p.open * band.radial[i * 3 + k]!);
  }
}

/** Hair curtain parameters. */
export interface HairSpec {
  /** Where the curtain ends: 'chin' (bob) or 'shoulders' (long). */
  length: 'chin' | 'shoulders';
  /** Half-angle of the opening for the face, around the front (degrees). */
  openingDeg: number;
}

/** Amplitude of the hair's gravity drape (metres at the tips). */
export const HAIR_CONFIG = { rings: 12, segments: 72, clearance: 0.008, thickness: 0.025, A_hairDrape: 0.06, neckWeightAtTips: 0.6 } as const;

/**
 * Builds a hair curtain: a "C" of rings around the head from just below the crown down to the chin or
 * the shoulders, open at the front for the face. Radius per direction is the support function of
 * the head and neck (and, lower, the upper back within 12 cm of the midline) plus clearance and
 * a thickness growing to the tips, made non-decreasing downwards so the hair falls straight.
 * Skinned to the head, blending to spine_03 at the tips. Its deformation hangs the tips
 * towards gravity in the head frame: δ = t²·A_hairDrape·(g_x, 0, g_z) (see hairOffsets).
 */
export function buildHair(rest: ArrayLike<number>, partLabels: ArrayLike<number>, jointNames: string[], restJoints: ArrayLike<number>, spec: HairSpec): GarmentMesh {
  const cfg = HAIR_CONFIG;
  const J = (n: string) => { const j = jointIndex(jointNames, n); return [restJoints[j * 3]!, restJoints[j * 3 + 1]!, restJoints[j * 3 + 2]!]; };
  const head = J('head'), eye = J('eye_l'), neck = J('neck_01'), shoulder = J('upperarm_l');
  // Start just below the crown so the curtain flows over the back of the scalp without a ledge.
  let crown = -Infinity;
  for (let v = 0; v < rest.length / 3; v++) if (partLabels[v] === PART_INDEX.head) crown = Math.max(crown, rest[v * 3 + 1]!);
  const yTop = Math.max(eye[1]! + 0.05, crown - 0.012);
  const yBottom = spec.length === 'chin' ? eye[1]! - 0.1 : shoulder[1]! - 0.02;
  const cx = head[0]!, cz = head[2]! - 0.015;
  const NR = cfg.rings, NS = cfg.segments;
  const open = (spec.openingDeg * Math.PI) / 180;
  // The face opening widens from a narrow parting at the crown to `open` at the forehead hairline.
  const tHairline = Math.min(0.5, Math.max(0.05, (yTop - (eye[1]! + 0.05)) / (yTop - yBottom)));
  const ringThetas = (t: number): number[] => {
    const x = Math.min(1, t / tHairline), o = 0.15 + (open - 0.15) * x * x * (3 - 2 * x);
    return Array.from({ length: NS + 1 }, (_, j) => o + ((2 * Math.PI - 2 * o) * j) / NS);
  };
  const V = rest.length / 3;
  const radius: number[][] = [];
  for (let i = 0; i <= NR; i++) {
    const t = i / NR, y = yTop + (yBottom - yTop) * t;
    const thetas = ringThetas(t);
    const h = thetas.map(() => 0.03);
    for (let v = 0; v < V; v++) {
      const part = partLabels[v]!;
      const vy = rest[v * 3 + 1]!;
      // A band reaching mostly upwards: the ring must clear the surface at and just above it.
      if (vy < y - 0.006 || vy > y + 0.02) continue;
      const x = rest[v * 3]! - cx, z = rest[v * 3 + 2]! - cz;
      const ok = part === PART_INDEX.head || part === PART_INDEX.face || (part === PART_INDEX.torso && Math.abs(x) < 0.12 && vy > neck[1]! - 0.12);
      if (!ok) continue;
      thetas.forEach((th, j) => { const s = x * Math.sin(th) + z * Math.cos(th); if (s > h[j]!) h[j] = s; });
    }
    const prev = radius[i - 1];
    // Clearance fades in from the crown so the top edge hugs the scalp (no gaps at the silhouette).
    const hug = Math.min(1, t / 0.15);
    radius.push(h.map((r, j) => Math.max(r + (cfg.clearance + cfg.thickness * t) * hug - 0.002 * (1 - hug), prev ? prev[j]! : 0)));
  }
  for (let i = 0; i <= NR; i++) {
    let r = radius[i]!;
    for (let pass = 0; pass < 2; pass++) r = r.map((_, j) => (r[Math.max(0, j - 1)]! + 2 * r[j]! + r[Math.min(NS, j + 1)]!) / 4);
    radius[i] = r;
  }
  const cols = NS + 1, count = (NR + 1) * cols, K = 2;
  const pos = new Float32Array(count * 3), hem = new Float32Array(count), radial = new Float32Array(count * 3), labels = new Uint8Array(count).fill(PART_INDEX.head);
  const joints = new Uint16Array(count * K), weights = new Float32Array(count * K);
  const jh = jointIndex(jointNames, 'head'), js = jointIndex(jointNames, 'spine_03');
  for (let i = 0; i <= NR; i++) {
    const t = i / NR, y = yTop + (yBottom - yTop) * t;
    const thetas = ringThetas(t);
    for (let j = 0; j <= NS; j++) {
      const k = i * cols + j, th = thetas[j]!, r = radius[i]![j]!;
      pos[k * 3] = cx + Math.sin(th) * r; pos[k * 3 + 1] = y; pos[k * 3 + 2] = cz + Math.cos(th) * r;
      hem[k] = t;
      radial[k * 3] = Math.sin(th); radial[k * 3 + 2] = Math.cos(th);
      const ws = spec.length === 'shoulders' ? cfg.neckWeightAtTips * t * t : 0;
      joints[k * K] = jh; weights[k * K] = 1 - ws;
      joints[k * K + 1] = js; weights[k * K + 1] = ws;
    }
  }
  const tris: number[] = [], uvs: number[] = [];
  const uvOf = (i: number, j: number) => [j / NS, 1 - i / NR];
  for (let i = 0; i < NR; i++) for (let j = 0; j < NS; j++) {
    const a = i * cols + j, b = a + 1, c = a + cols + 1, d = a + cols;
    tris.push(a, d, c, a, c, b);
    uvs.push(...uvOf(i, j), ...uvOf(i + 1, j), ...uvOf(i + 1, j + 1), ...uvOf(i, j), ...uvOf(i + 1, j + 1), ...uvOf(i, j + 1));
  }
  return { rest: pos, triangles: Uint32Array.from(tris), cornerUvs: Float32Array.from(uvs), skin: { influences: K, joints, weights }, partLabels: labels, hem, radial };
}

/** Canonical hair offsets: tips hang towards gravity in the head frame (formula at buildHair). */
export function hairOffsets(hair: GarmentMesh, jointNames: string[], globals: Float64Array, out = new Float32Array(hair.rest.length)): Float32Array {
  const g = [0, 0, 0];
  rotateT(globals, jointIndex(jointNames, 'head') * 12, 0, -1, 0, g);
  const A = HAIR_CONFIG.A_hairDrape;
  for (let k = 0; k < hair.hem.length; k++) {
    const t2 = hair.hem[k]! * hair.hem[k]!;
    out[k * 3] = t2 * A * g[0]!; out[k * 3 + 1] = 0; out[k * 3 + 2] = t2 * A * g[2]!;
  }
  return out;
}
