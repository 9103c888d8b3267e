/**
 * Facial expression of an avatar (docs/avatar.md "Expression"): the body model's expression units
 * (MakeHuman face pose units, or SMPL-X expression components) carried by the bundle as a sparse basis
 * over the Gaussians they move, applied to the canonical means before skinning:
 *   canonical_i += Σ_k ψ_k · B_k,i   (i in `expressionGaussians`).
 * The basis is the subdivided body model's own (subdivision averages it like positions, so it is exact
 * on the subdivided mesh). Named expressions (config.ts) combine units and a jaw opening.
 * Pure TypeScript with no Node imports (the browser viewer runs the same code).
 */
import { PersonaError } from '../core/errors.js';
import type { AvatarHeader, BundleArray } from './bundle.js';
import { NAMED_EXPRESSIONS, type NamedExpression } from '../body/expressions.js'; // pure: the viewer bundles this file

/** The expression part of a template or bundle: E units over Nf Gaussians. */
export interface ExpressionBasis {
  names: string[];
  /** Nf Gaussian indices that some unit moves. */
  gaussians: Uint32Array;
  /** E×Nf×3 offsets (metres per unit weight). */
  basis: Float32Array;
}

/** Smallest per-vertex offset (metres per unit) that counts as "moved" when selecting Gaussians (0.01 mm). */
export const EXPRESSION_SUPPORT_EPS = 1e-5;

/**
 * Picks the Gaussians an expression basis moves (any unit with an offset over EXPRESSION_SUPPORT_EPS) and
 * gathers their rows: `dense` is E×N×3 over all N Gaussians (the subdivided body model's basis).
 */
export function sparseExpressionBasis(names: string[], dense: Float32Array, N: number): ExpressionBasis | null {
  const E = names.length;
  if (E === 0 || dense.length !== E * N * 3) return null;
  const rows: number[] = [];
  for (let i = 0; i < N; i++) {
    let moved = false;
    for (let k = 0; k < E && !moved; k++) {
      const o = (k * N + i) * 3;
      if (Math.abs(dense[o]!) > EXPRESSION_SUPPORT_EPS || Math.abs(dense[o + 1]!) > EXPRESSION_SUPPORT_EPS || Math.abs(dense[o + 2]!) > EXPRESSION_SUPPORT_EPS) moved = true;
    }
    if (moved) rows.push(i);
  }
  const gaussians = Uint32Array.from(rows), Nf = rows.length;
  const basis = new Float32Array(E * Nf * 3);
  for (let k = 0; k < E; k++)
    for (let r = 0; r < Nf; r++) for (let c = 0; c < 3; c++) basis[(k * Nf + r) * 3 + c] = dense[(k * N + rows[r]!) * 3 + c]!;
  return { names: [...names], gaussians, basis };
}

/** What expression posing needs from a bundle. */
export interface ExpressiveAvatar {
  header: AvatarHeader;
  buffers: Record<string, BundleArray>;
}

/** Whether the avatar carries an expression basis (bundles made before it existed do not). */
export function hasExpression(avatar: ExpressiveAvatar): boolean {
  return !!avatar.header.expression && avatar.header.expression.names.length > 0 && avatar.buffers.expressionBasis instanceof Float32Array;
}

/** Adds Σ_k w_k B_k to `out` (N×3 canonical means, already holding the means) at the expression Gaussians. */
export function addExpressionOffsets(avatar: ExpressiveAvatar, weights: ArrayLike<number>, out: Float32Array): void {
  if (!hasExpression(avatar)) return;
  const basis: ExpressionBasis = { names: avatar.header.expression!.names, gaussians: avatar.buffers.expressionGaussians as Uint32Array, basis: avatar.buffers.expressionBasis as Float32Array };
  addBasisOffsets(basis, weights, out);
}

/** Adds Σ_k w_k B_k of a sparse basis to `out` (N×3 canonical means) at its Gaussians (weights in `basis.names` order). */
export function addBasisOffsets(expression: ExpressionBasis, weights: ArrayLike<number>, out: Float32Array): void {
  const gs = expression.gaussians, B = expression.basis;
  const Nf = gs.length, E = Math.min(weights.length, expression.names.length);
  for (let k = 0; k < E; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const base = k * Nf * 3;
    for (let r = 0; r < Nf; r++) {
      const g = gs[r]! * 3, o = base + r * 3;
      out[g] += w * B[o]!; out[g + 1] += w * B[o + 1]!; out[g + 2] += w * B[o + 2]!;
    }
  }
}

/** An expression resolved for one avatar: unit weights (avatar order) and a jaw opening (radians). */
export interface ResolvedExpression {
  weights: Float64Array;
  jaw: number;
}

/** Names of the documented expressions, in config order. */
export function listNamedExpressions(): string[] {
  return Object.keys(NAMED_EXPRESSIONS);
}

/**
 * Resolves a named expression (NAMED_EXPRESSIONS) or a list `unit=weight,unit=weight` (units of the
 * avatar's body model, `jaw=radians` for the jaw) onto an avatar. An avatar without an expression basis
 * accepts only `neutral`; anything else is a PersonaError saying so.
 */
export function resolveExpression(avatar: ExpressiveAvatar, spec: string | NamedExpression): ResolvedExpression {
  const named: NamedExpression | undefined = typeof spec === 'string' ? NAMED_EXPRESSIONS[spec] : spec;
  let units: Record<string, number>, jaw = 0;
  if (named) { units = named.units; jaw = named.jaw ?? 0; }
  else {
    units = {};
    for (const part of (spec as string).split(',')) {
      const m = /^\s*([\w.-]+)\s*=\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(part);
      if (!m || !Number.isFinite(Number(m[2])))
        throw new PersonaError(`Unknown expression "${spec as string}".`, {
          hint: `Use one of ${listNamedExpressions().join(', ')}, or unit=weight pairs (e.g. mouth-corner-puller=0.8,jaw=0.1).`,
          exitCode: 2,
        });
      if (m[1] === 'jaw') jaw = Number(m[2]); else units[m[1]!] = Number(m[2]);
    }
  }
  const names = avatar.header.expression?.names ?? [];
  const weights = new Float64Array(names.length);
  const asks = Object.values(units).some((w) => w !== 0);
  if (asks && !hasExpression(avatar))
    throw new PersonaError('This avatar carries no expression basis, so it cannot change its face.', {
      hint: 'Avatars bundled before expressions existed have none; re-create the avatar with this Persona (`persona create`, or `persona train <subject> --force`).',
      exitCode: 2,
    });
  for (const [u, w] of Object.entries(units)) {
    const k = names.indexOf(u);
    if (k < 0)
      throw new PersonaError(`Expression unit "${u}" is not in this avatar's body model.`, {
        hint: `Its units are: ${names.join(', ')}. Named expressions are written for the default (MakeHuman) body.`,
        exitCode: 2,
      });
    weights[k] = w;
  }
  return { weights, jaw };
}
