/**
 * A second renderer on a worker thread, so that `animateAvatar` renders two frames at once: the avatar is posed
 * (pose-offset MLP, skinning) and rasterized on one thread per frame, and frames are independent, so a worker with
 * its own `AvatarRenderer` gives the same pixels as the calling thread (tested).
 */
import { Worker } from 'node:worker_threads';
import type { AvatarBundle } from '../avatar/bundle.js';
import type { Camera } from '../core/camera.js';
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import type { AvatarPose } from '../export/cloud.js';
import type { AvatarRenderer, Background, RendererOptions } from './renderer.js';
import type { FrameWorkerReply, FrameWorkerRequest } from './frameWorker.js';

/** A frame rendered on the worker, with its timings. */
export interface WorkerFrame {
  image: FloatImage;
  timings: AvatarRenderer['last'];
}

/** One worker thread rendering frames of one avatar; `close()` it when done. */
export class FrameWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (f: WorkerFrame) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | null = null;

  /** Starts the worker and sends it the avatar (copied once). */
  constructor(avatar: AvatarBundle, options: RendererOptions) {
    this.worker = new Worker(new URL('./frameWorker.js', import.meta.url));
    this.worker.on('message', (msg: FrameWorkerReply) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.type === 'error') w.reject(new PersonaError(`animate: the frame worker failed: ${msg.message}`, { hint: 'report this as a bug' }));
      else w.resolve({ image: { width: msg.width, height: msg.height, channels: msg.channels, data: msg.data }, timings: msg.timings });
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => { if (this.waiting.size > 0) this.fail(new Error(`exited with code ${code}`)); });
    this.post({ type: 'init', avatar, options });
  }

  /** Renders a frame on the worker (the pose and camera are copied when this is called, so they may be reused). */
  render(pose: AvatarPose, camera: Camera, background: Background): Promise<WorkerFrame> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<WorkerFrame>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.post({ type: 'render', id, pose, camera, background });
    return done;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private post(msg: FrameWorkerRequest): void {
    this.worker.postMessage(msg);
  }

  private fail(err: Error): void {
    this.failure = new PersonaError(`animate: the frame worker stopped: ${err.message}`, { hint: 'pass --threads 1 to render on one thread, and report this as a bug' });
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}
