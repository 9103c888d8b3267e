/**
 * Rasterizer benchmark: forward / backward time, Gaussian–pixel pairs per second and peak memory for
 * N ∈ {10k, 40k, 170k} at 256², 512², 1024² with 11 channels, on a synthetic avatar-like body
 * (isotropic Gaussians, identity rotations, opacity 1 — the training case), plus the speed-up over the
 * float64 per-pixel reference renderer measured on a small case in the same run.
 *
 * Usage: npm run bench:raster [-- --quick] [-- --threads N]
 * Writes bench/results/raster-<date>.json.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpus, availableParallelism, loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { lookAtCamera, type Camera } from '../src/core/camera.js';
import { Rng } from '../src/core/rng.js';
import { packageRoot } from '../src/core/version.js';
import { allocateGrads, rasterize, rasterizeBackward, RasterWorkspace, type GaussianSet } from '../src/splat/index.js';
import { referenceRender } from '../src/splat/reference.js';

const CHANNELS = 11; // RGB + aux RGB + normal 3 + seg 3 … minus depth, which is rendered as its own output (+1)

/** Ellipsoids (centre, radii) roughly shaped like a standing person 1.7 m tall, facing +Z. */
const BODY: Array<[number, number, number, number, number, number]> = [
  [0, 1.2, 0, 0.17, 0.3, 0.11], // torso
  [0, 1.6, 0, 0.1, 0.12, 0.11], // head
  [0, 0.88, 0, 0.17, 0.12, 0.11], // hips
  [-0.1, 0.55, 0, 0.07, 0.3, 0.07], [0.1, 0.55, 0, 0.07, 0.3, 0.07], // thighs
  [-0.1, 0.18, 0, 0.05, 0.2, 0.05], [0.1, 0.18, 0, 0.05, 0.2, 0.05], // shins
  [-0.26, 1.2, 0, 0.045, 0.25, 0.045], [0.26, 1.2, 0, 0.045, 0.25, 0.045], // upper arms
  [-0.3, 0.78, 0.03, 0.035, 0.2, 0.035], [0.3, 0.78, 0.03, 0.035, 0.2, 0.035], // forearms
];

/** N Gaussians on the body's ellipsoid surfaces with spacing-matched isotropic scales. */
export function avatarLikeScene(N: number, seed = 1): GaussianSet {
  const rng = new Rng(seed);
  const areas = BODY.map(([, , , a, b, c]) => 4 * Math.PI * Math.pow((Math.pow(a * b, 1.6) + Math.pow(a * c, 1.6) + Math.pow(b * c, 1.6)) / 3, 1 / 1.6));
  const total = areas.reduce((s, a) => s + a, 0);
  const spacing = Math.sqrt(total / N);
  const means = new Float32Array(3 * N), scales = new Float32Array(N), features = new Float32Array(N * CHANNELS);
  for (let i = 0; i < N; i++) {
    let pick = rng.next() * total, e = 0;
    while (pick > areas[e]! && e < BODY.length - 1) pick -= areas[e++]!;
    const [cx, cy, cz, a, b, c] = BODY[e]!;
    // uniform direction (area distortion of the ellipsoid is fine for a benchmark)
    let x = rng.normal(), y = rng.normal(), z = rng.normal();
    const n = Math.hypot(x, y, z) || 1;
    x /= n; y /= n; z /= n;
    means[3 * i] = cx + a * x; means[3 * i + 1] = cy + b * y; means[3 * i + 2] = cz + c * z;
    scales[i] = spacing * rng.uniform(0.5, 0.9);
    for (let k = 0; k < CHANNELS; k++) features[i * CHANNELS + k] = rng.next();
  }
  return { count: N, means, scales, features, channels: CHANNELS };
}

function bodyCamera(size: number): Camera {
  return lookAtCamera([0.4, 0.95, 2.6], [0, 0.88, 0], { width: size, height: size, fovYDeg: 40 });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface CaseResult {
  gaussians: number; size: number; channels: number; threads: number; engine: string; visible: number; pairs: number;
  /** Medians of wall-clock time. */
  forwardMs: number; backwardMs: number; totalMs: number;
  /** Medians of process CPU time (all threads) — less sensitive to other processes on a shared machine. */
  forwardCpuMs: number; backwardCpuMs: number;
  pairsPerSecond: number; preprocessMs: number;
  forwardRuns: number[]; backwardRuns: number[]; maxRssMiB: number; workspaceMiB: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

function runCase(N: number, size: number, threads: number | undefined, reps: number, engine: 'wasm' | 'js' = 'wasm'): CaseResult {
  const gs = avatarLikeScene(N);
  const cam = bodyCamera(size);
  const ws = new RasterWorkspace();
  const dImage = new Float32Array(size * size * CHANNELS), dAlpha = new Float32Array(size * size), dDepth = new Float32Array(size * size);
  const rng = new Rng(3);
  for (let i = 0; i < dImage.length; i++) dImage[i] = rng.uniform(-1, 1);
  for (let i = 0; i < dAlpha.length; i++) { dAlpha[i] = rng.uniform(-1, 1); dDepth[i] = rng.uniform(-1, 1); }
  let grads: ReturnType<typeof allocateGrads> | undefined;
  const fwd: number[] = [], bwd: number[] = [], fcpu: number[] = [], bcpu: number[] = [];
  let last = rasterize(gs, cam, { workspace: ws, depth: true, threads, engine });
  grads = allocateGrads(last.saved);
  rasterizeBackward(last.saved, dImage, dAlpha, { dDepth, grads }); // warm-up
  let pre = 0;
  for (let k = 0; k < reps; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = rasterize(gs, cam, { workspace: ws, depth: true, threads, engine });
    const t1 = performance.now();
    fcpu.push(cpuMs(c0));
    const c1 = process.cpuUsage();
    rasterizeBackward(last.saved, dImage, dAlpha, { dDepth, grads });
    const t2 = performance.now();
    bcpu.push(cpuMs(c1));
    fwd.push(t1 - t0); bwd.push(t2 - t1);
    pre += last.stats.preprocessMs;
  }
  const f = median(fwd), b = median(bwd);
  return {
    gaussians: N, size, channels: CHANNELS + 1, threads: last.stats.threads, engine, visible: last.stats.visible, pairs: last.stats.pairs,
    forwardMs: f, backwardMs: b, totalMs: f + b, forwardCpuMs: median(fcpu), backwardCpuMs: median(bcpu),
    pairsPerSecond: last.stats.pairs / (f / 1000), preprocessMs: pre / reps,
    forwardRuns: fwd, backwardRuns: bwd, maxRssMiB: process.resourceUsage().maxRSS / 1024, workspaceMiB: ws.bytes / 2 ** 20,
  };
}

function print(r: CaseResult): void {
  console.log(
    `N=${String(r.gaussians).padStart(6)} ${String(r.size).padStart(4)}² ${r.engine.padEnd(4)} ${r.threads} thr  ` +
      `wall fwd ${r.forwardMs.toFixed(1).padStart(6)} + bwd ${r.backwardMs.toFixed(1).padStart(6)} = ${r.totalMs.toFixed(1).padStart(6)} ms  ` +
      `cpu fwd ${r.forwardCpuMs.toFixed(1).padStart(6)} + bwd ${r.backwardCpuMs.toFixed(1).padStart(6)} ms  ` +
      `pairs ${(r.pairs / 1e6).toFixed(2)}M  ${(r.pairsPerSecond / 1e6).toFixed(0)}M/s  pre ${r.preprocessMs.toFixed(1)} ms  ` +
      `ws ${r.workspaceMiB.toFixed(0)} MiB  rss ${r.maxRssMiB.toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const ti = args.indexOf('--threads');
  const threads = ti >= 0 ? Number(args[ti + 1]) : undefined;
  const Ns = quick ? [10_000, 40_000] : [10_000, 40_000, 170_000];
  const sizes = quick ? [256, 512] : [256, 512, 1024];
  console.log(`splat benchmark: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${CHANNELS} feature channels + depth, threads ${threads ?? 'default'}`);
  const load0 = loadavg()[0]!;
  console.log(`note: load average ${load0.toFixed(1)} at start; on a shared machine wall times are inflated — the CPU columns are process CPU time (all threads).`);
  const results: CaseResult[] = [];
  for (const N of Ns)
    for (const size of sizes) {
      const reps = N * size > 40_000 * 512 ? 3 : 7;
      const r = runCase(N, size, threads, reps);
      results.push(r);
      print(r);
    }
  // Thread scaling and engines on the training case.
  console.log('40k at 512², by threads and engine:');
  const scaling = [runCase(40_000, 512, 1, 7), runCase(40_000, 512, 2, 7), runCase(40_000, 512, 1, 5, 'js'), runCase(40_000, 512, 2, 5, 'js')];
  scaling.forEach(print);

  // Reference renderer on a small case, fast path on the same case.
  const refN = 2000, refSize = 64;
  const gs = avatarLikeScene(refN);
  const cam = bodyCamera(refSize);
  const t0 = performance.now();
  referenceRender(gs, cam);
  const refMs = performance.now() - t0;
  const fastRuns: number[] = [];
  const ws = new RasterWorkspace();
  for (let k = 0; k < 9; k++) {
    const a = performance.now();
    rasterize(gs, cam, { threads: 1, workspace: ws });
    fastRuns.push(performance.now() - a);
  }
  const fastMs = median(fastRuns);
  const perPairNs = (refMs * 1e6) / (refN * refSize * refSize);
  const key = results.find((r) => r.gaussians === 40_000 && r.size === 512) ?? scaling[1]!;
  const refExtrapolatedMs = (perPairNs * 40_000 * 512 * 512) / 1e6;
  const reference = {
    case: { gaussians: refN, size: refSize }, referenceMs: refMs, fastMs, speedupSameCase: refMs / fastMs,
    referenceNsPerGaussianPixel: perPairNs,
    extrapolated40k512Ms: refExtrapolatedMs,
    speedup40k512Forward: refExtrapolatedMs / key.forwardMs,
    note: 'the reference visits every Gaussian at every pixel (O(N·P)), so its time is extrapolated linearly in N·P',
  };
  console.log(
    `reference (float64, per pixel × all Gaussians) on ${refN} Gaussians at ${refSize}²: ${refMs.toFixed(0)} ms vs fast ${fastMs.toFixed(2)} ms ` +
      `(×${reference.speedupSameCase.toFixed(0)}); extrapolated to 40k at 512²: ${(refExtrapolatedMs / 1000).toFixed(0)} s, ×${reference.speedup40k512Forward.toFixed(0)} slower than the fast forward`,
  );
  const dir = join(packageRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const file = join(dir, `raster-${date}.json`);
  await writeJsonAtomic(file, {
    date: new Date().toISOString(), node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model,
    channels: CHANNELS + 1, threads: threads ?? 'default', loadAverage: { start: load0, end: loadavg()[0] }, results, threadScaling: scaling, reference,
  });
  console.log(`wrote ${file}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
