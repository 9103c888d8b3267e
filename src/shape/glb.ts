/**
 * `shape/proxy.glb`: the clothed proxy in the photo's pose as a plain glTF mesh with vertex colours by
 * material (skin, cloth, hair, template hands/face), Y up, metres — opens in any glTF viewer.
 */
import { Document, NodeIO } from '@gltf-transform/core';
import { computeVertexNormals } from '../render/index.js';
import { materialColors } from './overlay.js';
import type { ClothedProxy } from './proxy.js';

/** GLB bytes of the proxy (posed as in the photo, or `positions` if given). */
export async function proxyGlb(proxy: ClothedProxy, positions: Float32Array = proxy.posed): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const V = positions.length / 3;
  const colors = materialColors(proxy);
  const rgba = new Float32Array(V * 4);
  for (let v = 0; v < V; v++) { rgba.set(colors.subarray(v * 3, v * 3 + 3), v * 4); rgba[v * 4 + 3] = 1; }
  const prim = doc.createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(Float32Array.from(positions)).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(computeVertexNormals(positions, proxy.model.triangles)).setBuffer(buffer))
    .setAttribute('COLOR_0', doc.createAccessor().setType('VEC4').setArray(rgba).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(Uint32Array.from(proxy.model.triangles)).setBuffer(buffer))
    .setMaterial(doc.createMaterial('proxy').setBaseColorFactor([1, 1, 1, 1]).setRoughnessFactor(0.9).setMetallicFactor(0));
  const mesh = doc.createMesh('clothed-proxy').addPrimitive(prim);
  const node = doc.createNode('clothed-proxy').setMesh(mesh);
  doc.createScene('scene').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]!);
  return new NodeIO().writeBinary(doc);
}
