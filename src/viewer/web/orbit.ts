/**
 * Orbit camera: yaw/pitch/distance around a target (world Y up, the avatar faces +Z, so yaw 0 looks at
 * the front). Drag to orbit, wheel or pinch to zoom, shift-drag or right-drag to pan, double-click to reset.
 * Produces OpenGL-convention matrices (column-major) and the depth row used by the sort.
 */
import type { DrawCamera } from './renderer.js';

/** Vertical field of view (degrees). */
export const FOV_Y_DEG = 35;
const NEAR = 0.05, FAR = 100;

/**
 * How high a person's raised hands reach, as a multiple of standing height: shoulders at ≈ 0.82 H and the
 * arm ≈ 0.44 H long (arm span ≈ height; Drillis & Contini's segment proportions) give ≈ 1.26 H.
 */
export const OVERHEAD_REACH = 1.28;

/**
 * Target and height to frame for an avatar whose rest means span [lo, hi]: the standing box grown upward to
 * the overhead reach, so motions such as `arms-up` stay on screen (the rest box cut raised hands off, and
 * they then ran under the stats).
 */
export function motionFraming(lo: ArrayLike<number>, hi: ArrayLike<number>): { target: [number, number, number]; height: number } {
  const standing = Math.max(hi[1]! - lo[1]!, 0.5);
  const top = Math.max(hi[1]!, lo[1]! + standing * OVERHEAD_REACH);
  const bottom = lo[1]! - standing * FLOOR_MARGIN;
  return { target: [(lo[0]! + hi[0]!) / 2, (bottom + top) / 2, (lo[2]! + hi[2]!) / 2], height: top - bottom };
}

/** Room below the feet (× standing height), so the feet clear the control panel (measured on a 400² canvas: it hid them). */
const FLOOR_MARGIN = 0.12;

export class OrbitCamera {
  yaw = 0;
  pitch = 0.08;
  distance = 3;
  target: [number, number, number] = [0, 1, 0];
  private home: { yaw: number; pitch: number; distance: number; target: [number, number, number] };
  /** Increments whenever the camera moves (the sort worker re-sorts on change). */
  version = 0;

  constructor(target: [number, number, number], height: number) {
    this.target = [...target];
    this.distance = Math.max(0.5, (height * 0.72) / Math.tan((FOV_Y_DEG * Math.PI) / 360));
    this.home = { yaw: this.yaw, pitch: this.pitch, distance: this.distance, target: [...target] };
  }

  /** Puts the camera back where it started. */
  reset(): void {
    Object.assign(this, { yaw: this.home.yaw, pitch: this.home.pitch, distance: this.home.distance, target: [...this.home.target] });
    this.version++;
  }

  /** Wires mouse/touch input on `el`. */
  attach(el: HTMLElement): void {
    let last: { x: number; y: number } | null = null;
    let pan = false;
    const pointers = new Map<number, { x: number; y: number }>();
    let pinch = 0;
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    el.addEventListener('pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      last = { x: e.clientX, y: e.clientY };
      pan = e.shiftKey || e.button === 2;
      if (pointers.size === 2) { const [a, b] = [...pointers.values()]; pinch = Math.hypot(a!.x - b!.x, a!.y - b!.y); }
    });
    el.addEventListener('pointermove', (e) => {
      if (!pointers.has(e.pointerId) || !last) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const d = Math.hypot(a!.x - b!.x, a!.y - b!.y);
        if (pinch > 0) this.zoom(pinch / d);
        pinch = d;
        return;
      }
      const dx = e.clientX - last.x, dy = e.clientY - last.y;
      last = { x: e.clientX, y: e.clientY };
      if (pan) {
        const s = this.distance * 0.0015;
        const cy = Math.cos(this.yaw), sy = Math.sin(this.yaw);
        this.target[0] -= dx * s * cy; this.target[2] += dx * s * sy;
        this.target[1] += dy * s;
      } else {
        this.yaw -= dx * 0.008;
        this.pitch = Math.max(-1.45, Math.min(1.45, this.pitch + dy * 0.008));
      }
      this.version++;
    });
    const up = (e: PointerEvent): void => { pointers.delete(e.pointerId); if (pointers.size === 0) last = null; pinch = 0; };
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('wheel', (e) => { e.preventDefault(); this.zoom(Math.exp(e.deltaY * 0.001)); }, { passive: false });
    el.addEventListener('dblclick', () => this.reset());
  }

  private zoom(f: number): void {
    this.distance = Math.max(0.2, Math.min(50, this.distance * f));
    this.version++;
  }

  /** Eye position in world coordinates. */
  eye(): [number, number, number] {
    const cp = Math.cos(this.pitch);
    return [
      this.target[0] + this.distance * cp * Math.sin(this.yaw),
      this.target[1] + this.distance * Math.sin(this.pitch),
      this.target[2] + this.distance * cp * Math.cos(this.yaw),
    ];
  }

  /** Matrices for a viewport of width×height pixels. */
  matrices(width: number, height: number): DrawCamera & { depthRow: Float64Array } {
    const e = this.eye(), t = this.target;
    let fx = t[0] - e[0], fy = t[1] - e[1], fz = t[2] - e[2];
    const fl = Math.hypot(fx, fy, fz); fx /= fl; fy /= fl; fz /= fl;
    // right = f × up(0,1,0)
    let rx = -fz, ry = 0, rz = fx;
    const rl = Math.hypot(rx, ry, rz) || 1; rx /= rl; ry /= rl; rz /= rl;
    const ux = ry * fz - rz * fy, uy = rz * fx - rx * fz, uz = rx * fy - ry * fx;
    const view = new Float32Array([
      rx, ux, -fx, 0,
      ry, uy, -fy, 0,
      rz, uz, -fz, 0,
      -(rx * e[0] + ry * e[1] + rz * e[2]), -(ux * e[0] + uy * e[1] + uz * e[2]), fx * e[0] + fy * e[1] + fz * e[2], 1,
    ]);
    const f = 1 / Math.tan((FOV_Y_DEG * Math.PI) / 360);
    const aspect = width / Math.max(1, height);
    const proj = new Float32Array([
      f / aspect, 0, 0, 0,
      0, f, 0, 0,
      0, 0, (FAR + NEAR) / (NEAR - FAR), -1,
      0, 0, (2 * FAR * NEAR) / (NEAR - FAR), 0,
    ]);
    // distance in front of the camera = f · (p − e)
    const depthRow = new Float64Array([fx, fy, fz, -(fx * e[0] + fy * e[1] + fz * e[2])]);
    return { view, proj, focal: (f * height) / 2, depthRow };
  }
}
