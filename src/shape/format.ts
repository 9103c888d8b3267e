/**
 * `shape/proxy.json` + `shape/proxy.bin`: the clothed proxy on disk (a persona-body container, the same
 * layout as the compiled body model), and `texture/proxy-colors.*`: its per-vertex colours.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../core/errors.js';
import { ArrayBodyModel } from '../body/index.js';
import { readContainer, writeContainer } from '../body/index.js';
import type { Skeleton } from '../body/index.js';
import type { ClothedProxy, ProxyStats } from './proxy.js';

/** Header facts kept beside the buffers. */
interface ProxyMeta {
  kind: 'persona-proxy';
  version: 1;
  skeleton: { names: string[]; parents: number[] };
  influences: number;
  stats: ProxyStats;
}

/** Writes the proxy into `dir` as `proxy.json` + `proxy.bin` (atomically). */
export async function writeProxy(dir: string, proxy: ClothedProxy): Promise<void> {
  const m = proxy.model, V = m.vertexCount, F = m.triangles.length / 3, K = m.skinning.influences, J = m.skeleton.names.length;
  const meta: ProxyMeta = { kind: 'persona-proxy', version: 1, skeleton: { names: m.skeleton.names, parents: Array.from(m.skeleton.parents) }, influences: K, stats: proxy.stats };
  await writeContainer(dir, 'proxy', meta, {
    rest: { data: m.template, shape: [V, 3] },
    posed: { data: proxy.posed, shape: [V, 3] },
    triangles: { data: m.triangles, shape: [F, 3] },
    cornerUvs: { data: m.cornerUvs, shape: [F, 3, 2] },
    templateTriangles: { data: proxy.templateTriangles, shape: [F] },
    partLabels: { data: m.partLabels, shape: [V] },
    material: { data: proxy.material, shape: [V] },
    freedom: { data: proxy.freedom, shape: [V] },
    bodyVertex: { data: proxy.bodyVertex, shape: [V] },
    skinJoints: { data: m.skinning.joints, shape: [V, K] },
    skinWeights: { data: m.skinning.weights, shape: [V, K] },
    regOffsets: { data: m.jointRegressor.offsets, shape: [J + 1] },
    regVertices: { data: m.jointRegressor.vertices, shape: [m.jointRegressor.vertices.length] },
    regWeights: { data: m.jointRegressor.weights, shape: [m.jointRegressor.weights.length] },
  });
}

/** Reads a proxy written by {@link writeProxy}. */
export function readProxy(dir: string): ClothedProxy {
  if (!existsSync(join(dir, 'proxy.json'))) throw new PersonaError(`no clothed proxy in ${dir}`, { hint: 'run `persona shape <subject>` (or `persona create`)' });
  const { meta, buffers: b } = readContainer<ProxyMeta>(dir, 'proxy');
  if (meta.kind !== 'persona-proxy') throw new PersonaError(`${join(dir, 'proxy.json')} is not a clothed proxy`, { hint: 'rerun `persona shape <subject> --force`' });
  const need = <T>(k: string): T => {
    const x = b[k];
    if (!x) throw new PersonaError(`${join(dir, 'proxy.bin')} lacks '${k}'`, { hint: 'rerun `persona shape <subject> --force`' });
    return x as T;
  };
  const skeleton: Skeleton = { names: meta.skeleton.names, parents: Int32Array.from(meta.skeleton.parents) };
  const model = new ArrayBodyModel({
    kind: 'proxy', template: need('rest'), triangles: need('triangles'), cornerUvs: need('cornerUvs'), partLabels: need('partLabels'), skeleton,
    shapeCount: 0, shapeBasis: new Float32Array(0), expressionNames: [], expressionBasis: new Float32Array(0),
    skinning: { influences: meta.influences, joints: need('skinJoints'), weights: need('skinWeights') },
    jointRegressor: { offsets: need('regOffsets'), vertices: need('regVertices'), weights: need('regWeights') },
    landmarkNames: [], landmarkJoints: new Int32Array(0),
    landmarkRegressor: { offsets: new Uint32Array(1), vertices: new Uint32Array(0), weights: new Float32Array(0) },
  });
  return {
    model, posed: need('posed'), templateTriangles: need('templateTriangles'), material: need('material'), freedom: need('freedom'),
    bodyVertex: need('bodyVertex'), stats: meta.stats,
  };
}

/** A proxy's look: per-vertex colours (V×3 in [0,1]) and where they were sampled (V×2, NaN elsewhere: ProxyColors.photoUv and
 * textureUv; absent in texture folders written before them). */
export interface ProxyLook {
  colors: Float32Array;
  photoUv?: Float32Array;
  textureUv?: Float32Array;
}

/** Writes a proxy's look as `<dir>/proxy-colors.*`. */
export async function writeProxyColors(dir: string, look: ProxyLook): Promise<void> {
  const V = look.colors.length / 3;
  await writeContainer(dir, 'proxy-colors', { kind: 'persona-proxy-colors', version: 1 }, {
    colors: { data: look.colors, shape: [V, 3] },
    ...(look.photoUv ? { photoUv: { data: look.photoUv, shape: [V, 2] } } : {}),
    ...(look.textureUv ? { textureUv: { data: look.textureUv, shape: [V, 2] } } : {}),
  });
}

/** Reads a proxy's look written by {@link writeProxyColors}. */
export function readProxyColors(dir: string, vertexCount: number): ProxyLook {
  const { buffers } = readContainer<unknown>(dir, 'proxy-colors');
  const hint = 'rerun `persona texture <subject> --force`';
  const look: ProxyLook = { colors: buffers.colors as Float32Array };
  if (!look.colors || look.colors.length !== vertexCount * 3) throw new PersonaError(`${join(dir, 'proxy-colors.bin')} does not match the clothed proxy`, { hint });
  for (const key of ['photoUv', 'textureUv'] as const) {
    const uv = buffers[key] as Float32Array | undefined;
    if (!uv) continue;
    if (uv.length !== vertexCount * 2) throw new PersonaError(`${join(dir, 'proxy-colors.bin')}: its '${key}' does not match the clothed proxy`, { hint });
    look[key] = uv;
  }
  return look;
}

/** The subject's clothed proxy with its colours (after the texture stage), or undefined if it has none. */
export function loadSubjectProxy(subjectDir: string): ({ proxy: ClothedProxy } & ProxyLook) | undefined {
  const shapeDir = join(subjectDir, 'shape');
  if (!existsSync(join(shapeDir, 'proxy.json'))) return undefined;
  const proxy = readProxy(shapeDir);
  return { proxy, ...readProxyColors(join(subjectDir, 'texture'), proxy.model.vertexCount) };
}
