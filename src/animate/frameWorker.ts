/**
 * Worker entry of `FrameWorker` (parallelRender.ts): holds its own `AvatarRenderer` for one avatar and renders
 * the frames it is sent, returning each image by transfer.
 */
import { parentPort } from 'node:worker_threads';
import type { AvatarBundle } from '../avatar/bundle.js';
import type { Camera } from '../core/camera.js';
import type { AvatarPose } from '../export/cloud.js';
import { AvatarRenderer, type Background, type RendererOptions } from './renderer.js';

/** Messages to the worker. */
export type FrameWorkerRequest =
  | { type: 'init'; avatar: AvatarBundle; options: RendererOptions }
  | { type: 'render'; id: number; pose: AvatarPose; camera: Camera; background: Background };

/** Messages from the worker. */
export type FrameWorkerReply =
  | { type: 'frame'; id: number; width: number; height: number; channels: 3 | 4; data: Float32Array; timings: AvatarRenderer['last'] }
  | { type: 'error'; id: number; message: string };

let renderer: AvatarRenderer | null = null;

parentPort?.on('message', (msg: FrameWorkerRequest) => {
  if (msg.type === 'init') {
    renderer = new AvatarRenderer(msg.avatar, msg.options);
    return;
  }
  try {
    if (!renderer) throw new Error('frame worker: render before init');
    const img = renderer.render(msg.pose, msg.camera, msg.background);
    const data = img.data as Float32Array;
    const reply: FrameWorkerReply = { type: 'frame', id: msg.id, width: img.width, height: img.height, channels: img.channels as 3 | 4, data, timings: renderer.last };
    parentPort!.postMessage(reply, [data.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ type: 'error', id: msg.id, message: String(err instanceof Error ? err.stack ?? err.message : err) } satisfies FrameWorkerReply);
  }
});
