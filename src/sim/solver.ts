/**
 * The XPBD solver (Macklin, Müller & Chentanez 2016, "XPBD: position-based simulation of compliant
 * constrained dynamics"; on Müller, Heidelberger, Hennix & Ratcliff 2007, "Position based dynamics").
 *
 * Per substep of length h (Algorithm 1 of the XPBD paper, with one iteration per substep as in Macklin et
 * al. 2019 "Small steps"):
 *   v ← u + (v − u)·max(0, 1 − d·h) + g·h;  x* ← x;  x ← x + v·h   (predict, free particles; u = the
 *                                                                   skinned target's velocity in this frame)
 *   pinned particles ← their skinned positions (interpolated within the frame)
 *   for each constraint C with compliance α, α̃ = α/h²:  Δλ = (−C − α̃λ)/(Σ w|∇C|² + α̃),  x += w·∇C·Δλ
 *       attachment  C = |x − x_skinned|           (compliance 1/(m·ω(f)²))
 *       stretch     C = |x_i − x_j| − L_ij        (mesh edges)
 *       bending     C = |x_c − x_d| − L_cd        (the two vertices opposite each interior edge)
 *     with L the rest lengths, or (followSkinnedLengths) the distances between the skinned targets,
 *     interpolated within the frame: only the deviation from skinning is dynamic
 *   collisions: x pushed out of every posed capsule to radius + margin (a hard projection, last)
 *   v ← (x − x*)/h
 * Gauss–Seidel in a fixed order with float64 arithmetic: a run is bit-identical to any other run with
 * the same inputs. No allocation after construction.
 */
import type { CapsuleSet } from './capsules.js';
import type { ClothTopology } from './topology.js';
import { SIM_CONFIG } from './config.js';
import { segmentDistance } from './geometry.js';

/** Solver settings (defaults from SIM_CONFIG). */
export interface SolverSettings {
  substeps: number;
  iterations: number;
  gravity: number;
  /** Fraction of an attached particle's weight its attachment spring carries (1: rests at the skinned position). */
  gravityCompensation: number;
  collisionMargin: number;
  reach: number;
  /** Stretch and bending rest lengths follow the skinned targets (SIM_CONFIG.followSkinnedLengths); default false. */
  followSkinnedLengths?: boolean;
}

export function defaultSolverSettings(): SolverSettings {
  return { substeps: SIM_CONFIG.substeps, iterations: SIM_CONFIG.iterations, gravity: SIM_CONFIG.gravity, gravityCompensation: SIM_CONFIG.gravityCompensation, collisionMargin: SIM_CONFIG.collisionMargin, reach: SIM_CONFIG.capsules.reach, followSkinnedLengths: SIM_CONFIG.followSkinnedLengths };
}

export class ClothSolver {
  readonly topo: ClothTopology;
  readonly capsules: CapsuleSet;
  readonly settings: SolverSettings;
  /** N×3 current positions (free particles simulated; pinned ones at their skinned positions). */
  readonly x: Float64Array;
  /** N×3 velocities (free particles). */
  readonly v: Float64Array;
  /** N×3 skinned targets at the start and the end of the current frame. */
  readonly target0: Float64Array;
  readonly target1: Float64Array;
  /**
   * N×3 the rest pose's "up" (+Y) carried by each particle's skinning rotation (Σ w_k R_k ŷ), at the
   * start and end of the frame: the direction in which the attachment carries the particle's weight.
   */
  readonly up0: Float64Array;
  readonly up1: Float64Array;
  /** C×6 posed capsule end points at the start and the end of the frame, and interpolated. */
  readonly caps0: Float64Array;
  readonly caps1: Float64Array;
  private readonly caps: Float64Array;
  private readonly capBox: Float64Array; // C×6 lo, hi of each active capsule over the frame (radius + margin + reach)
  private readonly activeCaps: Int32Array;
  private activeCapCount = 0;
  /** Per free particle, the capsules whose frame box (grown by reach) holds it: CSR offsets (F+1) and capsule ids. */
  private readonly candStart: Int32Array;
  private readonly cand: Int32Array;
  private readonly prev: Float64Array;
  private readonly lambdaEdge: Float64Array;
  private readonly lambdaBend: Float64Array;
  private readonly lambdaAttach: Float64Array;
  /** Skinned lengths of the stretch and bending pairs at the frame's start and end, and interpolated (followSkinnedLengths). */
  private readonly edgeL0: Float64Array; private readonly edgeL1: Float64Array; private readonly edgeNow: Float64Array;
  private readonly bendL0: Float64Array; private readonly bendL1: Float64Array; private readonly bendNow: Float64Array;
  private readonly tmp = new Float64Array(3);
  /** Per free particle: the velocity factor max(0, 1 − damping·h) of the current frame's substep. */
  private readonly dampFactor: Float64Array;
  private invDt = 0;

  constructor(topo: ClothTopology, capsules: CapsuleSet, settings: SolverSettings = defaultSolverSettings()) {
    this.topo = topo; this.capsules = capsules; this.settings = settings;
    const N = topo.vertex.length, C = capsules.joints.length;
    this.x = new Float64Array(N * 3); this.v = new Float64Array(N * 3); this.prev = new Float64Array(N * 3);
    this.target0 = new Float64Array(N * 3); this.target1 = new Float64Array(N * 3);
    this.up0 = new Float64Array(N * 3); this.up1 = new Float64Array(N * 3);
    this.caps0 = new Float64Array(C * 6); this.caps1 = new Float64Array(C * 6); this.caps = new Float64Array(C * 6);
    this.capBox = new Float64Array(C * 6); this.activeCaps = new Int32Array(C);
    this.lambdaEdge = new Float64Array(topo.edgeRest.length); this.lambdaBend = new Float64Array(topo.bendRest.length);
    this.lambdaAttach = new Float64Array(topo.free);
    const E = topo.edgeRest.length, B = topo.bendRest.length;
    this.edgeL0 = new Float64Array(E); this.edgeL1 = new Float64Array(E); this.edgeNow = Float64Array.from(topo.edgeRest);
    this.bendL0 = new Float64Array(B); this.bendL1 = new Float64Array(B); this.bendNow = Float64Array.from(topo.bendRest);
    this.dampFactor = new Float64Array(topo.free);
    this.candStart = new Int32Array(topo.free + 1); this.cand = new Int32Array(topo.free * C);
  }

  /** Places every particle at `target1` with zero velocity (the warm start). */
  reset(): void {
    this.x.set(this.target1); this.v.fill(0);
  }

  /** Kinetic energy of the free particles (J). */
  kineticEnergy(): number {
    let e = 0;
    for (let i = 0; i < this.topo.free; i++) e += 0.5 * this.topo.mass[i]! * (this.v[i * 3]! ** 2 + this.v[i * 3 + 1]! ** 2 + this.v[i * 3 + 2]! ** 2);
    return e;
  }

  /**
   * Advances one frame of length `dt` from (target0, caps0) to (target1, caps1): `substeps` substeps with
   * linearly interpolated targets and capsules. `extraDamping` (1/s) is added to every material's.
   */
  step(dt: number, extraDamping = 0): void {
    const S = this.settings.substeps, h = dt / S;
    this.selectCapsules();
    for (let i = 0; i < this.topo.free; i++) this.dampFactor[i] = Math.max(0, 1 - (this.topo.materials[this.topo.materialIndex[i]!]!.damping + extraDamping) * h);
    this.invDt = 1 / dt;
    if (this.settings.followSkinnedLengths) {
      ClothSolver.pairLengths(this.topo.edges, this.target0, this.edgeL0); ClothSolver.pairLengths(this.topo.edges, this.target1, this.edgeL1);
      ClothSolver.pairLengths(this.topo.bends, this.target0, this.bendL0); ClothSolver.pairLengths(this.topo.bends, this.target1, this.bendL1);
    }
    for (let s = 1; s <= S; s++) this.substep(h, s / S);
  }

  /** Distances between the paired particles' positions in `p` (N×3). */
  private static pairLengths(pairs: Uint32Array, p: Float64Array, out: Float64Array): void {
    for (let e = 0; e < out.length; e++) {
      const a = pairs[e * 2]! * 3, b = pairs[e * 2 + 1]! * 3;
      out[e] = Math.sqrt((p[a]! - p[b]!) ** 2 + (p[a + 1]! - p[b + 1]!) ** 2 + (p[a + 2]! - p[b + 2]!) ** 2);
    }
  }

  /** The rest lengths the stretch and bending constraints use now (fixed, or the skinned ones of the last substep). */
  currentRestLengths(): { edges: Float64Array; bends: Float64Array } { return { edges: this.edgeNow, bends: this.bendNow }; }

  /** Capsules that can reach a free particle within this frame (bounding-box test with `reach`). */
  private selectCapsules(): void {
    const { topo, x } = this, reach = this.settings.reach + this.settings.collisionMargin;
    let lx = Infinity, ly = Infinity, lz = Infinity, hx = -Infinity, hy = -Infinity, hz = -Infinity;
    for (let i = 0; i < topo.free; i++) {
      const px = x[i * 3]!, py = x[i * 3 + 1]!, pz = x[i * 3 + 2]!;
      if (px < lx) lx = px; if (px > hx) hx = px; if (py < ly) ly = py; if (py > hy) hy = py; if (pz < lz) lz = pz; if (pz > hz) hz = pz;
    }
    let n = 0;
    const C = this.capsules.joints.length;
    for (let c = 0; c < C; c++) {
      const r = this.capsules.radii[c]! + reach, o = c * 6;
      let ok = true;
      for (let a = 0; a < 3 && ok; a++) {
        const lo = Math.min(this.caps0[o + a]!, this.caps0[o + 3 + a]!, this.caps1[o + a]!, this.caps1[o + 3 + a]!) - r;
        const hi = Math.max(this.caps0[o + a]!, this.caps0[o + 3 + a]!, this.caps1[o + a]!, this.caps1[o + 3 + a]!) + r;
        const plo = a === 0 ? lx : a === 1 ? ly : lz, phi = a === 0 ? hx : a === 1 ? hy : hz;
        if (hi < plo || lo > phi) ok = false;
      }
      if (ok) this.activeCaps[n++] = c;
    }
    this.activeCapCount = n;
    // per particle: the active capsules whose box over the frame (both ends, both poses, radius + margin + reach) holds it
    const box = this.capBox;
    for (let k = 0; k < n; k++) {
      const c = this.activeCaps[k]!, o = c * 6, r = this.capsules.radii[c]! + reach;
      for (let a = 0; a < 3; a++) {
        box[o + a] = Math.min(this.caps0[o + a]!, this.caps0[o + 3 + a]!, this.caps1[o + a]!, this.caps1[o + 3 + a]!) - r;
        box[o + 3 + a] = Math.max(this.caps0[o + a]!, this.caps0[o + 3 + a]!, this.caps1[o + a]!, this.caps1[o + 3 + a]!) + r;
      }
    }
    let m = 0;
    for (let i = 0; i < topo.free; i++) {
      this.candStart[i] = m;
      const px = x[i * 3]!, py = x[i * 3 + 1]!, pz = x[i * 3 + 2]!;
      for (let k = 0; k < n; k++) {
        const c = this.activeCaps[k]!, b = c * 6;
        if (px < box[b]! || px > box[b + 3]! || py < box[b + 1]! || py > box[b + 4]! || pz < box[b + 2]! || pz > box[b + 5]!) continue;
        this.cand[m++] = c;
      }
    }
    this.candStart[topo.free] = m;
  }

  private substep(h: number, alpha: number): void {
    const { topo, x, v, prev, target0, target1 } = this;
    const N = topo.vertex.length, F = topo.free, g = this.settings.gravity, beta = 1 - alpha;
    // Predict (free) and place (pinned).
    for (let i = 0; i < F; i++) {
      // Damping acts on the velocity relative to the skinned target's (the body's own motion), not on the
      // world velocity: walking at constant speed must not drag the cloth behind like a headwind.
      const d = this.dampFactor[i]!, o = i * 3, k = this.invDt;
      const ux = (target1[o]! - target0[o]!) * k, uy = (target1[o + 1]! - target0[o + 1]!) * k, uz = (target1[o + 2]! - target0[o + 2]!) * k;
      v[o] = ux + (v[o]! - ux) * d; v[o + 1] = uy + (v[o + 1]! - uy) * d - g * h; v[o + 2] = uz + (v[o + 2]! - uz) * d;
      prev[o] = x[o]!; prev[o + 1] = x[o + 1]!; prev[o + 2] = x[o + 2]!;
      x[o] = x[o]! + v[o]! * h; x[o + 1] = x[o + 1]! + v[o + 1]! * h; x[o + 2] = x[o + 2]! + v[o + 2]! * h;
    }
    for (let i = F; i < N; i++) { const o = i * 3; for (let a = 0; a < 3; a++) x[o + a] = beta * target0[o + a]! + alpha * target1[o + a]!; }
    // Capsules at this substep.
    for (let k = 0; k < this.activeCapCount; k++) {
      const o = this.activeCaps[k]! * 6;
      for (let a = 0; a < 6; a++) this.caps[o + a] = beta * this.caps0[o + a]! + alpha * this.caps1[o + a]!;
    }
    this.lambdaEdge.fill(0); this.lambdaBend.fill(0); this.lambdaAttach.fill(0);
    if (this.settings.followSkinnedLengths) {
      for (let e = 0; e < this.edgeNow.length; e++) this.edgeNow[e] = beta * this.edgeL0[e]! + alpha * this.edgeL1[e]!;
      for (let e = 0; e < this.bendNow.length; e++) this.bendNow[e] = beta * this.bendL0[e]! + alpha * this.bendL1[e]!;
    }
    const h2 = h * h;
    for (let it = 0; it < this.settings.iterations; it++) {
      this.solveAttachments(h2, alpha);
      this.solvePairs(topo.edges, this.edgeNow, topo.edgeCompliance, this.lambdaEdge, h2);
      this.solvePairs(topo.bends, this.bendNow, topo.bendCompliance, this.lambdaBend, h2);
    }
    this.collide();
    const inv = 1 / h;
    for (let i = 0; i < F * 3; i++) v[i] = (x[i]! - prev[i]!) * inv;
  }

  private solveAttachments(h2: number, alpha: number): void {
    const { topo, x, target0, target1, up0, up1 } = this, beta = 1 - alpha, g = this.settings.gravity * this.settings.gravityCompensation;
    for (let i = 0; i < topo.free; i++) {
      const om = topo.attachOmega[i]!;
      if (om === 0) continue;
      const o = i * 3, lift = g / (om * om);
      // Gravity-compensated target: the spring's rest offset g/ω² along the body's (skinned) "up" carries
      // the particle's weight, so in the rest pose an attached particle rests at its skinned position, and
      // when the body turns, world gravity pulls it off that rest (SIM_CONFIG.gravityCompensation).
      const dx = x[o]! - (beta * (target0[o]! + lift * up0[o]!) + alpha * (target1[o]! + lift * up1[o]!));
      const dy = x[o + 1]! - (beta * (target0[o + 1]! + lift * up0[o + 1]!) + alpha * (target1[o + 1]! + lift * up1[o + 1]!));
      const dz = x[o + 2]! - (beta * (target0[o + 2]! + lift * up0[o + 2]!) + alpha * (target1[o + 2]! + lift * up1[o + 2]!));
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (len < 1e-12) continue;
      const w = topo.invMass[i]!, at = 1 / (topo.mass[i]! * om * om * h2);
      const dl = (-len - at * this.lambdaAttach[i]!) / (w + at);
      this.lambdaAttach[i]! += dl;
      const s = (w * dl) / len;
      x[o] = x[o]! + s * dx; x[o + 1] = x[o + 1]! + s * dy; x[o + 2] = x[o + 2]! + s * dz;
    }
  }

  private solvePairs(pairs: Uint32Array, restLen: Float64Array, compliance: Float64Array, lambda: Float64Array, h2: number): void {
    const { x } = this, w = this.topo.invMass, n = restLen.length;
    for (let e = 0; e < n; e++) {
      const a = pairs[e * 2]!, b = pairs[e * 2 + 1]!;
      const wa = w[a]!, wb = w[b]!, ws = wa + wb;
      if (ws === 0) continue;
      const oa = a * 3, ob = b * 3;
      const dx = x[oa]! - x[ob]!, dy = x[oa + 1]! - x[ob + 1]!, dz = x[oa + 2]! - x[ob + 2]!;
      const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (len < 1e-12) continue;
      const at = compliance[e]! / h2;
      const dl = (-(len - restLen[e]!) - at * lambda[e]!) / (ws + at);
      lambda[e]! += dl;
      const s = dl / len;
      x[oa] = x[oa]! + wa * s * dx; x[oa + 1] = x[oa + 1]! + wa * s * dy; x[oa + 2] = x[oa + 2]! + wa * s * dz;
      x[ob] = x[ob]! - wb * s * dx; x[ob + 1] = x[ob + 1]! - wb * s * dy; x[ob + 2] = x[ob + 2]! - wb * s * dz;
    }
  }

  /**
   * Projects free particles out of the posed capsules near them (the frame's candidate lists; two passes:
   * leaving one capsule may enter another).
   */
  private collide(): void {
    const { x, caps, tmp, cand, candStart } = this, margin = this.settings.collisionMargin;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < this.topo.free; i++) {
        const o = i * 3;
        for (let k = candStart[i]!; k < candStart[i + 1]!; k++) {
          const c = cand[k]!, b = c * 6;
          const px = x[o]!, py = x[o + 1]!, pz = x[o + 2]!;
          const r = this.capsules.radii[c]! + margin;
          const d = segmentDistance(px, py, pz, caps, b, tmp);
          if (d >= r) continue;
          if (d > 1e-9) {
            const s = r / d;
            x[o] = tmp[0]! + (px - tmp[0]!) * s; x[o + 1] = tmp[1]! + (py - tmp[1]!) * s; x[o + 2] = tmp[2]! + (pz - tmp[2]!) * s;
          } else { x[o] = tmp[0]!; x[o + 1] = tmp[1]!; x[o + 2] = tmp[2]! + r; } // on the axis: out along +Z (deterministic)
        }
      }
    }
  }
}
