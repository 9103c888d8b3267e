/**
 * Sort worker: keeps the canonical means and skin influences, and on each request orders the Gaussians
 * back-to-front for the given skinning matrices and camera (src/viewer/depthSort.ts), off the main thread.
 */
import { createSortScratch, sortByDepth, type SortScratch } from '../depthSort.js';

/** Messages the sort worker accepts. */
export type SortRequest =
  | { type: 'init'; means: Float32Array; skinJoints: Uint16Array; skinWeights: Float32Array; k: number; jointCount: number }
  | { type: 'sort'; id: number; skin: Float64Array; depthRow: Float64Array; recycle?: Uint32Array };
/** The sort worker's answer. */
export interface SortResult { type: 'sorted'; id: number; order: Uint32Array; ms: number }

let state: { means: Float32Array; sj: Uint16Array; sw: Float32Array; k: number; scratch: SortScratch } | null = null;
const post = (msg: SortResult, transfer: Transferable[]): void => (self as unknown as Worker).postMessage(msg, transfer);

self.onmessage = (e: MessageEvent<SortRequest>) => {
  const m = e.data;
  if (m.type === 'init') {
    state = { means: m.means, sj: m.skinJoints, sw: m.skinWeights, k: m.k, scratch: createSortScratch(m.means.length / 3, m.jointCount) };
    return;
  }
  if (!state) return;
  const t0 = performance.now();
  const n = state.means.length / 3;
  const order = m.recycle && m.recycle.length === n ? m.recycle : new Uint32Array(n);
  sortByDepth(state.means, state.sj, state.sw, state.k, m.skin, m.depthRow, order, state.scratch);
  post({ type: 'sorted', id: m.id, order, ms: performance.now() - t0 }, [order.buffer]);
};
