/**
 * Constants of the simulation room, each with its source or the measurement that chose it.
 *
 * Compliances are XPBD compliances α (inverse stiffness, Macklin, Müller & Chentanez 2016, eq. 4–18):
 * a constraint C with compliance α pulls with force −C/α; α = 0 is rigid (as far as the iterations reach).
 * Distance-like constraints are in metres, so α is in m/N.
 */
import { MOTION_FPS } from '../motion/index.js';

/** One region's material. */
export interface SimMaterial {
  /** Areal density (kg/m²): lumped to the vertices by a third of each adjacent triangle's area. */
  density: number;
  /** XPBD compliance of the edge (stretch) constraints (m/N). */
  stretchCompliance: number;
  /** XPBD compliance of the cross-edge (bending) distance constraints (m/N). */
  bendCompliance: number;
  /** Velocity damping rate (1/s): v ← v·max(0, 1 − rate·h) per substep (Müller et al. 2007, §3.5 uses a global damping of this kind). */
  damping: number;
  /**
   * Natural frequency (rad/s) of the attachment spring that pulls a particle of freedom f = 0.5 towards
   * its skinned position; ω(f) = ω½·(1 − f)/f, so f → 0 is rigid and f = 1 is free. Expressed per unit
   * mass (compliance = 1/(m·ω²)) so the pull does not depend on the mesh resolution.
   */
  attachOmegaHalf: number;
}

export const SIM_CONFIG = {
  /** Simulation rate (Hz): the builtin motions' own rate (30 fps, motion/config.ts), so every motion frame is a step. */
  fps: MOTION_FPS,
  /**
   * Substeps per frame, one solver iteration each: "Small steps in physics simulation" (Macklin, Storey,
   * Lu, Terdiman, Chentanez, Jeschke, Müller 2019) shows substepping with one iteration converges faster
   * than iterating. 2 × 30 Hz = 60 Hz on the 6 cm cage with skinned rest lengths: the cage's edge strain
   * stays within a few per cent under `walk` (test/sim/skirt.test.ts); 8 substeps were needed on the full
   * 1–2 cm mesh with fixed rest lengths and cost 4× as much (docs/sim.md, Speed).
   */
  substeps: 2,
  iterations: 1,
  /**
   * Spacing (m) of the coarse simulation cage (src/sim/cage.ts): the loose vertices are clustered into
   * particles about this far apart and follow them by interpolated displacement from skinning. 6 cm keeps a
   * skirt's folds (10–20 cm wavelength) and cuts the proxy's 10,902 free vertices to ~670 particles
   * (docs/sim.md, Speed). 0 simulates every vertex.
   */
  cageSpacing: 0.06,
  /** Embedding: a loose vertex follows the cage particles within this multiple of the spacing (kernel (1 − d²/R²)²). */
  cageReach: 1.5,
  /** Embedding: at most this many nearest particles per vertex. */
  cageNeighbours: 8,
  /**
   * Freedom is capped at this value: the attachment to the skinned surface never gets weaker than
   * ω½ (f = 0.5). With weaker attachment the simulated skirt strayed further from the benchmark's garments
   * than skinning (docs/sim.md, IoU at max freedom 0.9).
   */
  maxFreedom: 0.5,
  /**
   * Stretch and bending rest lengths follow the skinned surface: each frame they are the distances between
   * the particles' skinned positions (interpolated per substep), so the simulation does not fight the
   * deformation skinning already makes (a stretched thigh-side of a skirt); only the deviation from
   * skinning is dynamic. With fixed rest lengths the solver pulled the cloth off its skinned shape.
   */
  followSkinnedLengths: true,
  /**
   * Skirt-like loose cloth (a loose region spanning both legs) moves this fraction of its leg-chain skinning
   * weight to the pelvis in the simulated path, reached at freedom = maxFreedom (src/sim/anchor.ts); the leg
   * capsules push it out. 0 keeps the surface's own weights.
   */
  hipAnchor: 0,
  /** Standard gravity (m/s²), −Y. */
  gravity: 9.81,
  /**
   * The surface's rest shape is already draped (the proxy reproduces a photo of the person wearing it), so
   * an attached particle (freedom < 1) must rest at its skinned position, not sag g/ω² below it: its
   * attachment spring's rest offset carries this fraction of its weight. Motion still makes it lag and
   * swing (inertia); only fully free particles (freedom 1) hang under their full weight.
   */
  gravityCompensation: 1,
  /**
   * Before the clip: blend from the rest pose to the first frame, then hold (seconds). With damping 20/s
   * (relative to the skinned motion) the deviation's time constant is ~50 ms, so 0.5 s in all settles.
   */
  settleBlendSeconds: 0.3,
  settleHoldSeconds: 0.2,
  /** Extra damping (1/s) during the settling run only, so the clip starts from (near) equilibrium. */
  settleDamping: 6,
  /** Particles stay this far (m) outside the collision capsules (≈ half a cloth thickness plus raster slack). */
  collisionMargin: 0.004,
  /** Skinned-space triangle area floor (m²) for vertex masses (a degenerate triangle must not give a zero mass). */
  minVertexArea: 1e-6,
  capsules: {
    /** A joint gets a capsule when at least this many body vertices are dominated by it (drops tiny finger segments' noise). */
    minVertices: 40,
    /** Capsule end points: these quantiles of the vertices' projections on the principal axis. */
    extentQuantiles: [0.03, 0.97] as const,
    /** Capsule radius: this quantile of the vertices' distances from the axis (inside the surface for convex limbs). */
    radiusQuantile: 0.35,
    /**
     * A capsule never contains a free particle's rest position: its radius is shrunk to clear them by the
     * margin, but not below this fraction of the fitted radius (a garment drawn through a limb is pushed out instead).
     */
    minRadiusFraction: 0.5,
    /**
     * Capsules thinner than this (m) are dropped: finger segments, eyes, jaw and toes (0.4–1.3 cm on the
     * MakeHuman body) cannot hold cloth within the margin and cost 60 % of the collision time when kept.
     */
    minRadius: 0.015,
    /**
     * A capsule is tested in a frame only if its box, grown by this (m), meets the free particles' box:
     * particles move < 5 cm per 30 Hz frame in the builtin motions.
     */
    reach: 0.1,
  },
  /**
   * Per-region materials. Densities: woven skirt fabric 150–250 g/m² (textile weights); a long hair
   * "curtain" ~60–100 g of hair over ~0.1 m² ≈ 0.6–1 kg/m². Compliances and damping were chosen by
   * looking at the synthetic skirt under walk/dance (docs/images/sim-skirt.png): the cloth stays nearly
   * inextensible, folds, and lags the legs by a few frames; hair is stiffer in bending (a bundle of strands).
   * Damping 20/s acts on the velocity relative to the skinned motion (solver.ts): with 0.8/s the hem kept
   * swinging after the legs stopped and strayed from the benchmark's quasi-static garments.
   */
  materials: {
    cloth: { density: 0.2, stretchCompliance: 1e-7, bendCompliance: 0.1, damping: 20, attachOmegaHalf: 16 } satisfies SimMaterial,
    hair: { density: 0.7, stretchCompliance: 1e-7, bendCompliance: 0.02, damping: 20, attachOmegaHalf: 20 } satisfies SimMaterial,
  },
};

export type SimConfig = typeof SIM_CONFIG;
