/**
 * The back of clothing that hangs over the legs — a coat's tails, a skirt, a dress — from the garment's own sides, where the
 * front mirrored is not what the back looks like (docs/texture.md, *The back of a hanging garment*).
 *
 * The proxy's unseen clothing takes the body texture at its nearest body vertex (shape/colors.ts), and below the waist that
 * texel is the legs' mirrored front: between an open coat's flaps the jeans and shirt, a scarf hanging over it. So the back of
 * man-tancoat-dance's coat came out jeans-blue, woman-green-coat's took her scarf's plaid. The torso's texels have the sides
 * rule (sideColours.ts); this is the same rule on the clothing over the legs: the garment's sides are its proxy vertices the
 * photo shows at a grazing angle, and a back cell whose mirrored colour lies outside what the sides show at its height takes
 * the sides' colour. A print or a plaid spreads the sides' colours, so its mirror stays.
 */
import type { Camera } from '../core/camera.js';
import type { ArrayBodyModel } from '../body/index.js';
import { PART_INDEX } from '../body/index.js';
import { COLOUR_SOURCE, PROXY_MATERIAL, type ClothedProxy, type ProxyColors } from '../shape/index.js';
import { SideColours, sideFrame, type SideColourSettings } from './sideColours.js';

/** The body parts a hanging garment's vertices lie nearest to: the legs. */
const LEG_PARTS: ReadonlySet<number> = new Set([PART_INDEX.leftUpperLeg, PART_INDEX.rightUpperLeg, PART_INDEX.leftLowerLeg, PART_INDEX.rightLowerLeg]);

/**
 * Rewrites `pc.colors` of the proxy's unseen clothing over the legs where the garment's sides say the mirrored front is not its
 * back (see the module comment); a vertex recoloured so no longer shows the texture where it sampled it, so its `pc.textureUv`
 * becomes NaN (renderers then use the colour: shape/detail.ts). Returns how many vertices took the sides' colour.
 */
export function hangingBackFromSides(proxy: ClothedProxy, body: ArrayBodyModel, camera: Camera, pc: ProxyColors, settings: SideColourSettings & { sideFacingMax: number; hangingSideOuter: number }): number {
  const P = proxy.posed, V = proxy.model.vertexCount;
  const garment: number[] = [];
  for (let v = 0; v < V; v++) if (proxy.material[v] === PROXY_MATERIAL.cloth && LEG_PARTS.has(body.partLabels[proxy.bodyVertex[v]!]!)) garment.push(v);
  // height along the camera's image-down axis, lateral along its image-right axis from the garment's centre (as the torso's rule)
  const frame = sideFrame(camera.R, P, garment);
  if (!frame) return 0;
  const height = garment.map((v) => frame.height(P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!));
  const lateral = garment.map((v) => frame.lateral(P[v * 3]!, P[v * 3 + 1]!, P[v * 3 + 2]!));
  const sides = new SideColours(frame.low, frame.high, settings);
  const rgb = (v: number): Float32Array => pc.colors.subarray(v * 3, v * 3 + 3);
  // a garment's surface turns from the camera near its waist and hem too, in the middle of its front: a side is a grazing
  // vertex in the outer part of the garment's width at its height (hangingSideOuter of the farthest vertex from the centre)
  const bin = (i: number): number => Math.floor((height[i]! - frame.low) / settings.sideBinMetres);
  const reach = new Float64Array(Math.floor((frame.high - frame.low) / settings.sideBinMetres) + 1);
  garment.forEach((_, i) => { reach[bin(i)] = Math.max(reach[bin(i)]!, Math.abs(lateral[i]!)); });
  garment.forEach((v, i) => {
    if (pc.source[v] === COLOUR_SOURCE.photo && pc.facing[v]! < settings.sideFacingMax && Math.abs(lateral[i]!) >= settings.hangingSideOuter * reach[bin(i)]!) sides.add(lateral[i]!, height[i]!, rgb(v));
    else if (pc.source[v] === COLOUR_SOURCE.bodyTexture) sides.addMirror(lateral[i]!, height[i]!, rgb(v));
  });
  let changed = 0;
  garment.forEach((v, i) => {
    if (pc.source[v] !== COLOUR_SOURCE.bodyTexture || !sides.backColour(lateral[i]!, height[i]!, rgb(v))) return;
    pc.textureUv[v * 2] = pc.textureUv[v * 2 + 1] = NaN;
    changed++;
  });
  return changed;
}
