/**
 * Simulating a deformable surface through a motion: the body is posed at the simulation rate, the
 * surface's particles are skinned (their kinematic targets) and the capsules posed; the solver runs
 * `substeps` per frame. Before the clip, a settling run blends from the rest pose to the first frame and
 * holds it with extra damping, so the clip starts from a draped equilibrium (warm start).
 *
 * The whole clip is simulated (inertia needs every frame); the surface is returned only at the requested
 * times: the skinned surface with the free particles replaced by the simulated ones (linearly
 * interpolated between the two simulation frames around the time).
 */
import { axisAngleToMatrix } from '../core/rotation.js';
import { PersonaError } from '../core/errors.js';
import { forwardKinematics, linearBlendSkinning } from '../body/index.js';
import type { ArrayBodyModel } from '../body/index.js';
import type { BodyPose } from '../body/index.js';
import type { DeformableSurface } from './types.js';
import { SIM_CONFIG, type SimMaterial } from './config.js';
import { buildTopology, type ClothTopology } from './topology.js';
import { buildCage, type CageEmbedding } from './cage.js';
import { anchorSkirtsToHips } from './anchor.js';
import { clearRestPoints, fitCapsules, poseCapsules, type CapsuleSet } from './capsules.js';
import { ClothSolver, defaultSolverSettings, type SolverSettings } from './solver.js';

/** Overrides of the defaults in SIM_CONFIG. */
export interface ClothSimOptions {
  fps?: number;
  substeps?: number;
  iterations?: number;
  gravity?: number;
  gravityCompensation?: number;
  collisionMargin?: number;
  settleBlendSeconds?: number;
  settleHoldSeconds?: number;
  settleDamping?: number;
  materials?: { cloth?: Partial<SimMaterial>; hair?: Partial<SimMaterial> };
  /** Collide with the body (default true). */
  collisions?: boolean;
  /** Coarse cage spacing (m); 0 simulates every loose vertex (default SIM_CONFIG.cageSpacing). */
  cageSpacing?: number;
  /** Freedom cap (default SIM_CONFIG.maxFreedom; 1 = no cap). */
  maxFreedom?: number;
  /** Rest lengths follow the skinned surface (default SIM_CONFIG.followSkinnedLengths). */
  followSkinnedLengths?: boolean;
  /** Fraction of skirt-like cloth's leg weight moved to the pelvis (anchor.ts; default SIM_CONFIG.hipAnchor). */
  hipAnchor?: number;
}

/** Everything about one surface on one body that does not depend on the motion (reuse across clips). */
export interface ClothSetup {
  surface: DeformableSurface;
  topo: ClothTopology;
  /** With a cage: how the loose surface vertices follow the particles (else each free vertex is a particle). */
  embedding?: CageEmbedding;
  capsules: CapsuleSet;
  parents: Int32Array;
  restJoints: Float64Array;
  options: ClothSimOptions;
}

/**
 * Prepares a surface for simulation on a body of the given shape: compact particles and constraints,
 * the body's capsules (cleared of the free particles' rest positions).
 */
export function prepareCloth(surface: DeformableSurface, body: ArrayBodyModel, shape: ArrayLike<number> | undefined, options: ClothSimOptions = {}): ClothSetup {
  if (surface.skin.joints.length > 0) {
    const J = body.skeleton.names.length;
    for (let i = 0; i < surface.skin.joints.length; i++) if (surface.skin.joints[i]! >= J && surface.skin.weights[i]! !== 0) throw new PersonaError(`deformable surface: skinning joint ${surface.skin.joints[i]} but the ${body.kind} skeleton has ${J} joints`, { hint: 'skin the surface to the same body model the motion is played on' });
  }
  const materials = {
    cloth: { ...SIM_CONFIG.materials.cloth, ...options.materials?.cloth },
    hair: { ...SIM_CONFIG.materials.hair, ...options.materials?.hair },
  };
  const cap = options.maxFreedom ?? SIM_CONFIG.maxFreedom;
  if (cap < 1) surface = { ...surface, freedom: Float32Array.from(surface.freedom, (f) => Math.min(f, cap)) };
  const hip = options.hipAnchor ?? SIM_CONFIG.hipAnchor;
  if (hip > 0) surface = anchorSkirtsToHips(surface, body.skeleton.names, body.skeleton.parents, hip, Math.min(cap, 1)).surface;
  const spacing = options.cageSpacing ?? SIM_CONFIG.cageSpacing;
  const cage = spacing > 0 ? buildCage(surface, materials, { spacing, reach: SIM_CONFIG.cageReach, neighbours: SIM_CONFIG.cageNeighbours }) : undefined;
  const topo = cage ? cage.topo : buildTopology(surface, materials);
  const restBody = body.shapedVertices64(shape);
  const restJoints = body.jointPositions(restBody);
  const margin = options.collisionMargin ?? SIM_CONFIG.collisionMargin;
  let capsules = fitCapsules(restBody, body.skinning, body.skeleton.names.length);
  capsules = clearRestPoints(capsules, topo.rest.subarray(0, topo.free * 3), margin);
  if (options.collisions === false) capsules = { joints: new Int32Array(0), ends: new Float64Array(0), radii: new Float64Array(0) };
  return { surface, topo, embedding: cage?.embedding, capsules, parents: body.skeleton.parents, restJoints, options };
}

/** A request: the motion as a pose function and the times to return. */
export interface ClothRun {
  poseAt: (time: number) => BodyPose;
  /** Clip length (s); the simulation runs from 0 to max(duration, last requested time). */
  duration: number;
  /** Times (s) at which to return the surface. */
  times: number[];
  /** Called after every simulation frame (tests, diagnostics); `time` < 0 during settling. */
  onFrame?: (solver: ClothSolver, time: number) => void;
}

/** Result of a run. */
export interface ClothResult {
  /** One V×3 surface per requested time (in the order asked). */
  frames: Float32Array[];
  /** Simulation frames run (settling included) and wall time (ms). */
  steps: number;
  milliseconds: number;
  freeParticles: number;
  capsules: number;
}

/** Skinning transforms of a pose (J×12), in reusable buffers. */
class Skinner {
  private readonly local: Float64Array;
  private readonly globals: Float64Array;
  readonly transforms: Float64Array;
  private readonly R = new Float64Array(9);
  constructor(private readonly parents: Int32Array, private readonly restJoints: Float64Array) {
    const J = parents.length;
    this.local = new Float64Array(J * 9); this.globals = new Float64Array(J * 12); this.transforms = new Float64Array(J * 12);
  }
  pose(p: BodyPose): Float64Array {
    const J = this.parents.length;
    if (p.rotations.length !== J * 3) throw new PersonaError(`pose has ${p.rotations.length / 3} joint rotations; the skeleton has ${J}`);
    for (let j = 0; j < J; j++) { axisAngleToMatrix(p.rotations[j * 3]!, p.rotations[j * 3 + 1]!, p.rotations[j * 3 + 2]!, this.R); this.local.set(this.R, j * 9); }
    forwardKinematics(this.parents, this.restJoints, this.local, this.globals, this.transforms);
    return this.transforms;
  }
}

/** The settings the solver runs with. */
export function solverSettingsOf(o: ClothSimOptions): SolverSettings {
  const d = defaultSolverSettings();
  return { substeps: o.substeps ?? d.substeps, iterations: o.iterations ?? d.iterations, gravity: o.gravity ?? d.gravity, gravityCompensation: o.gravityCompensation ?? d.gravityCompensation, collisionMargin: o.collisionMargin ?? d.collisionMargin, reach: d.reach, followSkinnedLengths: o.followSkinnedLengths ?? d.followSkinnedLengths };
}

/** Simulates the surface through the motion and returns it at the requested times. */
export function simulateCloth(setup: ClothSetup, run: ClothRun): ClothResult {
  const t0 = performance.now();
  const o = setup.options, topo = setup.topo, surface = setup.surface;
  const fps = o.fps ?? SIM_CONFIG.fps, dt = 1 / fps;
  const solver = new ClothSolver(topo, setup.capsules, solverSettingsOf(o));
  const skinner = new Skinner(setup.parents, setup.restJoints);
  const V = surface.rest.length / 3, F = topo.free;
  const restUp = Float64Array.from(topo.rest.subarray(0, F * 3));
  for (let i = 0; i < F; i++) restUp[i * 3 + 1]! += 1;
  const freeSkin = { influences: topo.skin.influences, joints: topo.skin.joints.subarray(0, F * topo.skin.influences), weights: topo.skin.weights.subarray(0, F * topo.skin.influences) };
  const place = (pose: BodyPose) => {
    solver.target0.set(solver.target1); solver.caps0.set(solver.caps1); solver.up0.set(solver.up1);
    const T = skinner.pose(pose);
    linearBlendSkinning(topo.rest, topo.skin, T, pose.translation, solver.target1);
    // the skinned rest "up": skin(rest + ŷ) − skin(rest) = Σ w_k R_k ŷ
    linearBlendSkinning(restUp, freeSkin, T, pose.translation, solver.up1.subarray(0, F * 3));
    for (let i = 0; i < F * 3; i++) solver.up1[i] = solver.up1[i]! - solver.target1[i]!;
    poseCapsules(setup.capsules, T, pose.translation, solver.caps1);
  };
  // Settling: rest pose (at the clip's first translation) → first frame, then hold.
  const first = run.poseAt(0);
  const scaled = (s: number): BodyPose => ({ rotations: first.rotations.map((r) => r * s), translation: first.translation });
  let steps = 0;
  place(scaled(0)); place(scaled(0));
  solver.reset();
  // the warm start: attached particles at their compensated rest, free ones at the skinned rest
  const blend = Math.round((o.settleBlendSeconds ?? SIM_CONFIG.settleBlendSeconds) * fps);
  const hold = Math.round((o.settleHoldSeconds ?? SIM_CONFIG.settleHoldSeconds) * fps);
  const settleDamping = o.settleDamping ?? SIM_CONFIG.settleDamping;
  for (let k = 1; k <= blend + hold; k++) {
    place(k <= blend ? scaled(k / blend) : first);
    solver.step(dt, settleDamping); steps++;
    run.onFrame?.(solver, (k - blend - hold) * dt);
  }
  // The clip.
  const order = run.times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const frames: Float32Array[] = new Array(run.times.length);
  const end = Math.max(run.duration, order.length ? order[order.length - 1]![0] : 0);
  const last = Math.ceil(end * fps - 1e-9);
  const prevX = new Float64Array(F * 3), prevT = new Float64Array(F * 3), dev = new Float64Array(F * 3);
  const emb = setup.embedding;
  let next = 0;
  const emit = (time: number, a: number) => {
    const pose = run.poseAt(time);
    const out = new Float32Array(V * 3);
    linearBlendSkinning(surface.rest, surface.skin, skinner.pose(pose), pose.translation, out);
    if (emb) {
      // the particles' displacement from their skinned positions, interpolated in time, carried to the loose vertices
      for (let i = 0; i < F * 3; i++) dev[i] = (1 - a) * (prevX[i]! - prevT[i]!) + a * (solver.x[i]! - solver.target1[i]!);
      for (let m = 0; m < emb.vertices.length; m++) {
        const v = emb.vertices[m]! * 3;
        let dx = 0, dy = 0, dz = 0;
        for (let k = emb.offsets[m]!; k < emb.offsets[m + 1]!; k++) {
          const p = emb.particles[k]!;
          if (p >= F) continue; // pinned: no displacement
          const w = emb.weights[k]!;
          dx += w * dev[p * 3]!; dy += w * dev[p * 3 + 1]!; dz += w * dev[p * 3 + 2]!;
        }
        out[v] = out[v]! + dx; out[v + 1] = out[v + 1]! + dy; out[v + 2] = out[v + 2]! + dz;
      }
      return out;
    }
    for (let v = 0; v < V; v++) {
      const i = topo.particleOf[v]!;
      if (i < 0 || i >= F) continue;
      for (let c = 0; c < 3; c++) out[v * 3 + c] = (1 - a) * prevX[i * 3 + c]! + a * solver.x[i * 3 + c]!;
    }
    return out;
  };
  prevX.set(solver.x.subarray(0, F * 3)); prevT.set(solver.target1.subarray(0, F * 3));
  while (next < order.length && order[next]![0] <= 0) { frames[order[next]![1]] = emit(order[next]![0], 1); next++; }
  for (let k = 1; k <= last; k++) {
    prevX.set(solver.x.subarray(0, F * 3)); prevT.set(solver.target1.subarray(0, F * 3));
    place(run.poseAt(k * dt));
    solver.step(dt); steps++;
    run.onFrame?.(solver, k * dt);
    while (next < order.length && order[next]![0] <= k * dt + 1e-12) {
      const [t, i] = order[next]!;
      frames[i] = emit(t, Math.min(1, Math.max(0, (t - (k - 1) * dt) / dt)));
      next++;
    }
  }
  return { frames, steps, milliseconds: performance.now() - t0, freeParticles: F, capsules: setup.capsules.joints.length };
}
