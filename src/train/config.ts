/**
 * Every loss weight, learning rate and schedule constant of PERSONA training in one place,
 * each with its source. "paper" = Sim & Moon, PERSONA, ICCV 2025 (arXiv 2508.09973);
 * "code" = the public PERSONA_RELEASE repository (avatar/main/config.py, main/model.py,
 * common/nets/loss.py, common/base.py, data/dataset.py, common/nets/module.py).
 */
import { PersonaError } from '../core/errors.js';
import { DEFAULT_PRESET, PRESET_NAMES, QUALITY, type AvatarShape, type PresetName } from '../subject/index.js';

/** Loss weights. */
export interface LossWeights {
  /** Image L1 weight inside the image loss (code: cfg.rgb_loss_weight = 0.8). */
  imageL1: number;
  /** SSIM weight inside the image loss (code: cfg.ssim_loss_weight = 0.2). */
  imageSsim: number;
  /** Multiplier of the refined render's image loss (code: model.py `weight = weight * 0.1`). */
  refinedImage: number;
  /** Image weight on input-photo pixels near part boundaries (paper §geometry-weighted opt.; code get_boundary → 0.1). */
  boundaryImage: number;
  /** Geometry losses (normal, depth, part segmentation) on generated frames (code: is_generated → 1.0). */
  geometryGenerated: number;
  /** Geometry losses on the input photo (code: is_captured*0.1). */
  geometryPhoto: number;
  /**
   * Mask L1 on alpha. In the code it is added *outside* the geometry weight (weight 1 on
   * both photo and generated frames): `abs(mask − mask_gt) + geo_loss·weight`.
   */
  mask: number;
  /** Hand-mask L1 on generated frames (code: `* is_generated * 50`). */
  handMask: number;
  /** Depth loss weight inside the geometry loss (code: cfg.depth_loss_weight = 0.01). */
  depth: number;
  /** Normal loss weight inside the geometry loss (code: 1, implicit). */
  normal: number;
  /** Part-segmentation loss weight inside the geometry loss (code: 1, implicit). */
  segmentation: number;
  /**
   * Laplacian on the rest-pose means (offset) — code: lap_mean ×10 on top of a per-vertex
   * weight 1e5 (×50 eyes/face, ×10 hands/expression boundary); the per-vertex part is passed as
   * `vertexWeight`, this is the global factor 1e5·10.
   */
  laplacianOffset: number;
  /** Laplacian on the refined (pose-offset) means: code lap_mean_refined, global 1e5. */
  laplacianRefinedOffset: number;
  /** Laplacian on the scales (code: lap_scale × 1e6). */
  laplacianScale: number;
  /** Laplacian on the colours (code: lap_rgb × 0.1). */
  laplacianColor: number;
}

/** Learning rates (Adam). */
export interface LearningRates {
  /** Base lr (code: cfg.lr = 1e-3) for mean offsets, triplane and the pose-offset MLP (paper). */
  offset: number;
  triplane: number;
  mlp: number;
  /** 10× base for scales, colours (and auxiliary colours) and segmentation (code: cfg.lr*10). */
  scale: number;
  color: number;
  segmentation: number;
  /** Per-frame body-pose refinement (code: cfg.smplx_param_lr = 1e-3; hands ÷10). */
  pose: number;
}

/** Optimizer and schedule. */
export interface Schedule {
  /** Adam ε (code base.py: torch.optim.Adam(..., eps=1e-15)). */
  adamEps: number;
  /** Adam β1, β2 (PyTorch defaults, kept by the code). */
  adamBeta1: number;
  adamBeta2: number;
  /** Epochs (code: cfg.end_epoch = 5; a preset sets it: `QUALITY[preset].train.epochs`, src/subject/quality.ts). */
  epochs: number;
  /** All lrs ÷ this factor once, at `decayAt` of the iterations (code base.py set_lr: ÷10 at 75%). */
  decayFactor: number;
  decayAt: number;
  /**
   * Optimise every frame's body pose with the avatar (code: smplx_param_dict is among the optimised
   * parameters, lr cfg.smplx_param_lr). Off by default here: our colours are initialised from a texture
   * unwrapped through the *fitted* photo pose, and the built-in generator renders that texture on the
   * fitted body, so moving the photo pose misregisters every colour (measured on the demo subject, fast,
   * 240 iterations: photo-view PSNR 24.2 → 20.4 dB); a generated frame is seen only 5 times (5 epochs),
   * so its pose barely moves (+0.04 dB on benchmark subject 0). docs/avatar.md has the figures.
   */
  refinePoses: boolean;
}

/** Balanced sampling and geometry weighting. */
export interface Sampling {
  /** Repeat the photo N times per epoch, N = #generated frames (paper; code dataset.py `*= sum(len(generated))`). */
  balanced: boolean;
  /** Geometry-weighted image loss on the photo (paper; code get_boundary). */
  geometryWeighted: boolean;
  /** Sobel-magnitude threshold on the rendered rest-position map (code: cfg.boundary_thr = 0.02). */
  boundaryThreshold: number;
  /** Dilation kernel = round(ratio × bbox size of the mask) made odd (code: cfg.img_kernel_ratio = 0.015). */
  boundaryKernelRatio: number;
  /**
   * (PERSONA's cfg.patch_kernel_ratio = 0.06 dilates the boundary of its separate face-patch crop; we render
   * no face patch and instead exclude the face interior from the photo's boundary, so it has no setting here.)
   */
}

/** The complete training configuration. */
export interface TrainConfig {
  preset: PresetName;
  seed: number;
  loss: LossWeights;
  lr: LearningRates;
  schedule: Schedule;
  sampling: Sampling;
  /** The avatar's size: `QUALITY[preset].train.avatar` (src/subject/quality.ts). */
  avatar: AvatarShape;
}

const PAPER_LOSS: LossWeights = {
  imageL1: 0.8,
  imageSsim: 0.2,
  refinedImage: 0.1,
  boundaryImage: 0.1,
  geometryGenerated: 1.0,
  geometryPhoto: 0.1,
  mask: 1.0,
  handMask: 50,
  depth: 0.01,
  normal: 1,
  segmentation: 1,
  laplacianOffset: 1e5 * 10,
  laplacianRefinedOffset: 1e5,
  laplacianScale: 1e6,
  laplacianColor: 0.1,
};

const PAPER_LR: LearningRates = {
  offset: 1e-3,
  triplane: 1e-3,
  mlp: 1e-3,
  scale: 1e-2,
  color: 1e-2,
  segmentation: 1e-2,
  pose: 1e-3,
};

/** The paper's schedule; `epochs` comes from the preset (src/subject/quality.ts). */
const PAPER_SCHEDULE: Omit<Schedule, 'epochs'> = {
  adamEps: 1e-15,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  decayFactor: 10,
  decayAt: 0.75,
  refinePoses: false,
};

const PAPER_SAMPLING: Sampling = {
  balanced: true,
  geometryWeighted: true,
  boundaryThreshold: 0.02,
  boundaryKernelRatio: 0.015,
};

// Initialisation of the training model (src/train/model.ts)

/** Logit clamp used to initialise colours/segmentation (PERSONA: torch.logit(x, eps=1e-4)). */
export const LOGIT_EPS = 1e-4;

/**
 * Initial isotropic scales. PERSONA: σ = √(mean squared distance to the 3 nearest neighbours) (as 3DGS).
 * We use the root-mean-square length of all mesh edges at the vertex, halved (INITIAL_SCALE_FACTOR):
 * with opacity fixed at 1, full-width Gaussians fatten the silhouette by ~2σ and blur colours, while the
 * 3 shortest edges leave gaps between the rings of the MakeHuman mesh's elongated quads (striped shins in
 * side views, seen in the benchmark). Initial photo-view PSNR on the demo subject: 15.1 dB (full width),
 * 20.2 dB (this), 22.8 dB (3 shortest edges, halved — but with gaps).
 */
export const INITIAL_SCALE_FACTOR = 0.5;
/**
 * No initial scale above this many times the template's median edge length (× INITIAL_SCALE_FACTOR). The clothed
 * proxy can hold a few triangles stretched by unposing (an arm that touched the trunk in the photo, docs/shape.md);
 * their 10–30 cm edges gave Gaussians that training left as blurry discs (seen on benchmark subject 1's hand on
 * the hip and on real photos with hands joined).
 */
export const INITIAL_SCALE_MAX_EDGE_RATIO = 3;

/**
 * Per-vertex factors of the offset Laplacian by body part (PERSONA code: the per-vertex lap_mean weight is
 * ×50 on eyes/face and ×10 on hands; the global factor is `LossWeights.laplacianOffset`).
 */
export const LAPLACIAN_PART_WEIGHTS = { faceEyes: 50, hands: 10, other: 1 } as const;

/**
 * Neighbours kept per vertex in the Laplacian graphs (PERSONA code utils/transforms.py get_neighbor,
 * neighbor_max_num = 10; PERSONA keeps the first 10 of a Python set, we the 10 lowest indices). Until this
 * change the graphs were uncapped; on the shipped body and on the sample's clothed proxy no vertex has more
 * than 10 neighbours (measured at the test and fast presets, subdivisions 0 and 1), so the cap changed no
 * result there; an SMPL-X body with higher-valence vertices now gets PERSONA's cap.
 */
export const LAPLACIAN_MAX_NEIGHBORS = 10;

/** Pose refinement: finger joints learn at this fraction of the pose learning rate (PERSONA code: 0.1×). */
export const FINGER_LR_FACTOR = 0.1;

/**
 * How often (iterations) the trainer re-samples every Gaussian's skinning weights from the diffused skinning
 * volume at its current position (the interval is Persona's own, not a paper value; unchanged since the first
 * training loop, commit 94870b4).
 */
export const SKIN_RESAMPLE_EVERY = 50;

/**
 * Checkpoints during training (resume loses at most this much): every `seconds` of wall time and every
 * 1/`runDivisor` of the run's iterations but at least `minIterations` apart (ours: a short run, e.g. the
 * `test` preset, never reaches `seconds` and must still resume after an interruption).
 */
export const CHECKPOINT_EVERY = { seconds: 120, runDivisor: 10, minIterations: 5 } as const;
/**
 * The training log (train/log.jsonl) is written every this many iterations, and before every preview, checkpoint and
 * interruption, instead of one append per iteration: the appends cost 11 ms each in the demo's train stage (2.7 s of
 * 240 iterations, its phase profile, 2026-12-06). Lines after the last checkpoint are dropped on resume anyway.
 */
export const TRAIN_LOG_FLUSH_EVERY = 20;
/**
 * train/preview.png is redrawn `perRun` times during a run (every 1/perRun of the iterations, at least
 * `minIterations` apart) and once at the end. Each redraw renders two views on the training thread: 0.36 s, so the
 * demo's 8 redraws took 2.9 s of its 104 s loop (phase profile of the demo's train stage, 2026-12-07); 4 still show
 * the avatar forming a quarter of the run at a time.
 */
export const TRAIN_PREVIEWS = { perRun: 4, minIterations: 10 } as const;

/** Deep partial, for overrides. */
export type TrainConfigOverrides = { [K in keyof Omit<TrainConfig, 'preset'>]?: Partial<TrainConfig[K]> } & { preset?: never };

/** The configuration of a preset, with optional overrides (validated). */
export function trainConfig(preset: PresetName = DEFAULT_PRESET, overrides: TrainConfigOverrides = {}): TrainConfig {
  if (!PRESET_NAMES.includes(preset)) throw new PersonaError(`unknown quality preset "${preset}"`, { hint: `use one of: ${PRESET_NAMES.join(', ')}` });
  const cfg: TrainConfig = {
    preset,
    seed: overrides.seed ?? 0,
    loss: { ...PAPER_LOSS, ...overrides.loss },
    lr: { ...PAPER_LR, ...overrides.lr },
    schedule: { ...PAPER_SCHEDULE, epochs: QUALITY[preset].train.epochs, ...overrides.schedule },
    sampling: { ...PAPER_SAMPLING, ...overrides.sampling },
    avatar: { ...QUALITY[preset].train.avatar, mlpHidden: [...QUALITY[preset].train.avatar.mlpHidden], ...overrides.avatar },
  };
  validateConfig(cfg);
  return cfg;
}

/** Throws a PersonaError naming the first invalid field. */
export function validateConfig(cfg: TrainConfig): void {
  const bad = (what: string, v: unknown) => new PersonaError(`train config: ${what} = ${String(v)} is invalid`);
  for (const [k, v] of Object.entries(cfg.loss)) if (!(Number.isFinite(v) && v >= 0)) throw bad(`loss.${k}`, v);
  for (const [k, v] of Object.entries(cfg.lr)) if (!(Number.isFinite(v) && v >= 0)) throw bad(`lr.${k}`, v);
  const s = cfg.schedule;
  if (!(Number.isInteger(s.epochs) && s.epochs >= 1)) throw bad('schedule.epochs', s.epochs);
  if (!(s.decayAt > 0 && s.decayAt <= 1)) throw bad('schedule.decayAt', s.decayAt);
  if (!(s.decayFactor >= 1)) throw bad('schedule.decayFactor', s.decayFactor);
  if (!(s.adamEps > 0 && s.adamBeta1 >= 0 && s.adamBeta1 < 1 && s.adamBeta2 >= 0 && s.adamBeta2 < 1)) throw bad('schedule.adam*', `${s.adamBeta1}/${s.adamBeta2}/${s.adamEps}`);
  const a = cfg.avatar;
  if (!(a.mlpHidden.length > 0 && a.mlpHidden.every((h) => Number.isInteger(h) && h > 0 && (a.mlpGroups === 0 || h % a.mlpGroups === 0))))
    throw bad('avatar.mlpHidden (widths must be divisible by mlpGroups)', a.mlpHidden.join('-'));
  if (!(Number.isInteger(a.subdivisions) && a.subdivisions >= 0 && a.subdivisions <= 3)) throw bad('avatar.subdivisions', a.subdivisions);
  if (!(a.triplaneResolution >= 2 && a.triplaneChannels >= 1 && a.triplaneExtent > 0)) throw bad('avatar.triplane*', `${a.triplaneChannels}×${a.triplaneResolution}`);
}

/** Iterations of a whole training: epochs × steps per epoch (batch size 1). */
export function totalIterations(cfg: TrainConfig, stepsPerEpoch: number): number {
  return cfg.schedule.epochs * stepsPerEpoch;
}

/** Which kind of frame a training step sees. */
export type FrameKind = 'photo' | 'generated';

/** The scalar loss weights of one step that depend on the frame's kind (code: main/model.py forward). */
export interface StepWeights {
  /** Whether to weight the image loss by the part boundary (`loss.boundaryImage` on it; photo + geometry weighting on). */
  useBoundaryWeights: boolean;
  /** Image loss of the refined (pose-offset) render: ×0.1 (×1 on the photo when geometry weighting is off). */
  refinedImage: number;
  /** Normal, depth (× depth weight inside) and segmentation losses: 1.0 generated, 0.1 photo. */
  geometry: number;
}

/**
 * The weights PERSONA applies on a step of the given kind (read by src/train/step.ts). With geometry weighting
 * off (ablation), the photo is treated like a generated frame: no boundary weights, refined-image weight 1 and
 * the generated frames' geometry weight.
 */
export function stepWeights(loss: LossWeights, kind: FrameKind, geometryWeighting: boolean): StepWeights {
  const photo = kind === 'photo', gw = geometryWeighting;
  return {
    useBoundaryWeights: photo && gw,
    refinedImage: photo && !gw ? 1 : loss.refinedImage,
    geometry: photo && gw ? loss.geometryPhoto : loss.geometryGenerated,
  };
}
