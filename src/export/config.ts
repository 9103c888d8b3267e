/** Constants of the export formats, with their sources. */
export const EXPORT_CONFIG = {
  /** Zeroth-order real spherical-harmonic constant 1/(2√π): colour = 0.5 + SH_C0·f_dc (INRIA 3DGS, Kerbl et al. 2023). */
  SH_C0: 0.28209479177387814,
  /** Opacities are clamped into [ε, 1−ε] before the logit, so PERSONA's fixed opacity 1 stays finite (logit ≈ 13.8). */
  OPACITY_EPS: 1e-6,
  /** Smallest scale written before the log (metres); guards log(0). */
  MIN_SCALE: 1e-8,
  /** glTF skins carry 4 influences per vertex in JOINTS_0/WEIGHTS_0 (glTF 2.0 §3.7.3.3). */
  GLTF_INFLUENCES: 4,
} as const;

/**
 * VRM 1.0 expression presets (VRMC_vrm-1.0 expressions.md, "Preset Expressions") ← Persona's named expressions
 * (src/body/expressions.ts NAMED_EXPRESSIONS). Each preset binds one morph target (the named expression at the
 * rest pose) at weight 1; `neutral` binds nothing (the rest face). VRM's `relaxed`, `blink` and the look-at
 * presets have no named expression and are left out.
 */
export const VRM_EXPRESSION_PRESETS: Readonly<Record<string, string>> = {
  happy: 'smile', angry: 'anger', sad: 'sadness', surprised: 'surprise',
  aa: 'aa', ih: 'ih', ou: 'ou', ee: 'ee', oh: 'oh', blinkLeft: 'blinkLeft', blinkRight: 'blinkRight', neutral: 'neutral',
};
