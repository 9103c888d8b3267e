/**
 * Named expressions of the default body model (the one home of the named set; the fit reads the photo's
 * expression in it, the avatar, animate, the viewer, capture and the exporters apply it).
 *
 * NAMED_EXPRESSIONS: the documented expressions a user can ask for (`persona animate --expression`,
 * motion files, the viewer). Each is a combination of the default body model's expression units
 * (MakeHuman's face pose units, assets/body; weights in unit amounts, 1 = the unit's full shape) plus a
 * jaw opening in radians (rotation of the `jaw` joint about +X, which drops the chin).
 * How they were chosen: by looking at renders of the body mesh's face with each candidate combination
 * (scripts/expression-mesh.ts; docs/images/expressions-body.png),
 * adjusting weights until each read as the named expression at a glance without tearing the mouth or
 * pushing the lids through the eyes. Second round: a jaw rotation alone
 * opens the mouth lopsidedly on this mesh, so surprise adds some mouth-open; anger needed 1.5× brows to read;
 * ih/ee use mouth-parling (lips apart) with retraction, since mouth-retraction alone looked like a smirk. Visemes follow the usual mouth shapes: aa (open jaw, relaxed lips),
 * ih (slightly open, lips spread), ou (rounded, protruded lips), ee (spread, nearly closed), oh (open and round).
 */
export interface NamedExpression {
  /** Unit name → weight. */
  units: Record<string, number>;
  /** Jaw opening (radians about +X). */
  jaw?: number;
}

export const NAMED_EXPRESSIONS: Record<string, NamedExpression> = {
  neutral: { units: {} },
  smile: { units: { 'mouth-corner-puller': 1, 'mouth-upward-retraction': 0.4, 'eye-left-slit': 0.4, 'eye-right-slit': 0.4 } },
  surprise: { units: { 'eyebrows-left-up': 1.5, 'eyebrows-right-up': 1.5, 'eye-left-opened-up': 1, 'eye-right-opened-up': 1, 'mouth-open': 0.25 }, jaw: 0.15 },
  anger: { units: { 'eyebrows-left-down': 1.5, 'eyebrows-right-down': 1.5, 'mouth-compression': 1, 'nose-left-elevation': 0.8, 'nose-right-elevation': 0.8, 'mouth-depression': 0.3 } },
  sadness: { units: { 'eyebrows-left-inner-up': 1, 'eyebrows-right-inner-up': 1, 'mouth-depression': 1 } },
  blinkLeft: { units: { 'eye-left-closure': 1 } },
  blinkRight: { units: { 'eye-right-closure': 1 } },
  aa: { units: { 'mouth-open': 0.3 }, jaw: 0.25 },
  ih: { units: { 'mouth-parling': 1, 'mouth-upward-retraction': 0.3 }, jaw: 0.1 },
  ou: { units: { 'mouth-pursing': 0.8, 'mouth-protusion': 0.6 }, jaw: 0.06 },
  ee: { units: { 'mouth-corner-puller': 0.4, 'mouth-parling': 1, 'mouth-upward-retraction': 0.3 }, jaw: 0.04 },
  oh: { units: { 'mouth-pursing': 0.5, 'mouth-open': 0.2 }, jaw: 0.18 },
};

/** Unit weights (in `unitNames` order) and jaw opening of a weighted mix of named expressions. */
export interface ExpressionMix {
  weights: Float64Array;
  jaw: number;
}

/**
 * Combines named expressions with weights (e.g. the photo's `{ smile: 0.8, aa: 0.1 }`) into unit weights over
 * `unitNames` (a body model's expression units) and a jaw opening. Units a model lacks are skipped and listed in
 * `missing` (SMPL-X has no MakeHuman units; its expression stays neutral).
 */
export function mixNamedExpressions(unitNames: readonly string[], mix: Record<string, number>): ExpressionMix & { missing: string[] } {
  const weights = new Float64Array(unitNames.length), missing: string[] = [];
  let jaw = 0;
  for (const [name, w] of Object.entries(mix)) {
    const named = NAMED_EXPRESSIONS[name];
    if (!named || w === 0) continue;
    jaw += w * (named.jaw ?? 0);
    for (const [unit, v] of Object.entries(named.units)) {
      const k = unitNames.indexOf(unit);
      if (k < 0) { if (!missing.includes(unit)) missing.push(unit); continue; }
      weights[k] += w * v;
    }
  }
  return { weights, jaw, missing };
}
