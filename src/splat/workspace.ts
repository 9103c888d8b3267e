/**
 * Reusable rasterizer buffers. Every buffer lives in one shared WebAssembly.Memory per workspace, so the
 * same bytes are visible to the WebAssembly kernels, to the TypeScript kernels and to worker threads.
 * Buffers are named regions handed out by a bump allocator; a region that must grow is re-allocated
 * (×1.25 headroom), so a training loop reaches a steady state without new allocations.
 */
import { PersonaError } from '../core/errors.js';
import { KERNEL_WASM_BASE64 } from './wasm/kernelWasm.js';
import type { GaussianSet } from './types.js';

const PAGE = 65536;
/** 2 GiB of address space at most (reserved, not committed). */
const MAX_PAGES = 32768;
/** The kernels' static data sits below this offset (AssemblyScript places it at 1024). */
const HEAP_START = 65536;

let kernelModule: WebAssembly.Module | undefined;
/** The compiled WebAssembly kernels (compiled once per thread). */
export function getKernelModule(): WebAssembly.Module {
  kernelModule ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return kernelModule;
}

/** Exports of the WebAssembly kernels (see wasm/kernel.as for the parameter blocks). */
export interface KernelExports {
  forwardBand(params: number): number;
  backwardBand(params: number): void;
}

/** Instantiates the kernels over a shared memory. */
export function instantiateKernels(memory: WebAssembly.Memory, module: WebAssembly.Module = getKernelModule()): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

type TypedCtor<T> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

let nextWorkspaceId = 1;

/** Reusable buffers for `rasterize` / `rasterizeBackward` (pass the same one every iteration of a loop). */
export class RasterWorkspace {
  /** Identifies the workspace to worker threads. */
  readonly id = nextWorkspaceId++;
  /** The shared memory holding every buffer. */
  readonly memory: WebAssembly.Memory;
  /** Incremented by every forward pass; a saved state from an older generation is stale. */
  generation = 0;
  private top = HEAP_START;
  private readonly regions = new Map<string, { offset: number; bytes: number }>();
  private kernels?: KernelExports;
  private readonly own = new WeakSet<object>();

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(HEAP_START / PAGE) + 1, maximum: MAX_PAGES, shared: true });
  }

  /** A typed view named `name` of at least `length` elements (contents undefined; 16-byte aligned). */
  get<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(name: string, ctor: TypedCtor<T>, length: number): T {
    const bytes = Math.max(16, length * ctor.BYTES_PER_ELEMENT);
    let reg = this.regions.get(name);
    if (!reg || reg.bytes < bytes) {
      const size = align16(reg ? Math.ceil(bytes * 1.25) : bytes);
      if (reg && reg.offset + reg.bytes === this.top) this.top = reg.offset; // the last region grows in place
      reg = { offset: this.top, bytes: size };
      this.top += size;
      this.ensure(this.top);
      this.regions.set(name, reg);
    }
    return new ctor(this.memory.buffer, reg.offset, length);
  }

  /** A view named `name` holding a copy of `src` (for workers, which see only this memory). */
  copyOf(name: string, src: Float32Array): Float32Array {
    const v = this.get(name, Float32Array, src.length);
    v.set(src);
    return v;
  }

  /**
   * The Gaussians' geometry (means, scales, rotations, opacities) copied into this memory under `prefix`, with
   * `features` as given: what the pool's projection and chain-rule jobs read.
   */
  gaussiansCopy(prefix: string, gs: GaussianSet, features: Float32Array): GaussianSet {
    return {
      count: gs.count,
      channels: gs.channels,
      means: this.copyOf(`${prefix}.means`, gs.means),
      scales: this.copyOf(`${prefix}.scales`, gs.scales),
      ...(gs.rotations ? { rotations: this.copyOf(`${prefix}.rotations`, gs.rotations) } : {}),
      ...(gs.opacities ? { opacities: this.copyOf(`${prefix}.opacities`, gs.opacities) } : {}),
      features,
    };
  }

  /**
   * Buffers for the upstream gradients of `rasterizeBackward`, inside this workspace: fill them with
   * ∂L/∂image (H×W×C), ∂L/∂alpha and ∂L/∂depth (H×W) and pass them back to skip a copy per iteration.
   * Contents are undefined on return (write every element).
   */
  upstreamBuffers(width: number, height: number, channels: number): { dImage: Float32Array; dAlpha: Float32Array; dDepth: Float32Array } {
    const views = {
      dImage: this.get('bwd.dImage', Float32Array, width * height * channels),
      dAlpha: this.get('bwd.dAlpha', Float32Array, width * height),
      dDepth: this.get('bwd.dDepth', Float32Array, width * height),
    };
    for (const v of Object.values(views)) this.own.add(v);
    return views;
  }

  /** Whether `view` lies in this workspace's memory (handed out by `get` or `upstreamBuffers`). */
  owns(view: Float32Array): boolean {
    return this.own.has(view) || view.buffer === this.memory.buffer;
  }

  /** Bytes of memory in use by this workspace. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** The kernels instantiated over this workspace's memory, on the calling thread. */
  exports(): KernelExports {
    this.kernels ??= instantiateKernels(this.memory);
    return this.kernels;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES)
      throw new PersonaError(`splat: a workspace would need ${((end / 2 ** 30)).toFixed(2)} GiB, more than the 2 GiB limit`, {
        hint: 'render at a lower resolution or with fewer channels',
      });
    this.memory.grow(pages);
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}
