/**
 * Benchmark of the pose-offset network on the CPU: forward + backward of PERSONA's MLP
 * (222 → 128-128-128 with GroupNorm(4) → 3) and its triplane, for N Gaussians, with the
 * WASM SIMD GEMM and with the plain-JS kernels (interleaved, same process).
 * Reports the median wall time and the median CPU time of this process (CPU time is less
 * disturbed by other processes on a shared machine). Prints a table and writes JSON
 * (default bench/results/nn.json).
 *
 *   npm run bench:nn -- [--n 40000] [--reps 5] [--out path.json] [--no-js]
 */
import { cpus, loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { Rng } from '../src/core/rng.js';
import { Mlp } from '../src/nn/mlp.js';
import { PoseOffsetMlp } from '../src/nn/pose-mlp.js';
import { Triplane } from '../src/nn/triplane.js';
import { linearForward } from '../src/nn/kernels.js';
import { setWasmGemmEnabled, wasmGemmAvailable } from '../src/nn/wasm-linear.js';
import { imageLoss, ssimLoss } from '../src/train/losses.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg('n', '40000'));
const REPS = Number(arg('reps', '5'));
const OUT = arg('out', 'bench/results/nn.json');
const WITH_JS = !process.argv.includes('--no-js');
const FEAT = 96; // 3 planes × 32 channels
const COND = 126; // 21 body joints × 6D
const JOINTS = 55; // SMPL-X joints: distinct neighbourhood masks ≤ 55

interface Timing {
  wallMs: number;
  cpuMs: number;
  wallAllMs: number[];
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** Median wall and CPU time of `fn` over REPS runs after one warm-up, in ms. */
function time(fn: () => void): Timing {
  fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage(), t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wallMs: Math.round(median(wall)), cpuMs: Math.round(median(cpu)), wallAllMs: wall.map(Math.round) };
}

const rng = new Rng(1);
const rand = (len: number) => Float32Array.from({ length: len }, () => rng.uniform(-1, 1));

const gx = rand(N * 128), gw = rand(128 * 128), gb = rand(128), gy = new Float32Array(N * 128);
const dense = new Mlp({ inDim: FEAT + COND, outDim: 3, hidden: [128, 128, 128], groups: 4, rng });
const xDense = rand(N * (FEAT + COND)), dOut = rand(N * 3), dxDense = new Float32Array(N * (FEAT + COND));
const pm = new PoseOffsetMlp({ featDim: FEAT, condDim: COND, hidden: [128, 128, 128], groups: 4, rng });
const feat = rand(N * FEAT), cond = rand(JOINTS * COND), dFeat = new Float32Array(N * FEAT);
const gIdx = Int32Array.from({ length: N }, () => rng.int(JOINTS));

/** Every MLP measurement with the current GEMM path. */
function measureMlp() {
  const gemm = time(() => linearForward(gx, gw, gb, gy, N, 128, 128));
  const denseFwdBwd = time(() => {
    dense.forward(xDense, N);
    dense.backward(xDense, dOut, N, dxDense);
  });
  const splitFwd = time(() => pm.forward(feat, cond, gIdx, N, JOINTS));
  const splitFwdBwd = time(() => {
    pm.forward(feat, cond, gIdx, N, JOINTS);
    pm.backward(feat, cond, gIdx, dOut, N, JOINTS, dFeat);
  });
  pm.freezeFeatures(feat, N);
  const frozenFwd = time(() => pm.forwardFrozen(cond, gIdx, JOINTS));
  return {
    gemm128Forward: { ...gemm, gflopsCpu: Number(((2 * N * 128 * 128) / (gemm.cpuMs * 1e6)).toFixed(2)) },
    denseMlpForwardBackward: denseFwdBwd,
    poseOffsetMlpForward: splitFwd,
    poseOffsetMlpForwardBackward: splitFwdBwd,
    poseOffsetMlpInferenceFrozen: frozenFwd,
  };
}

// Image losses on a 512×512 RGB render (the SSIM filters use the WASM path for float32).
const IMG = { width: 512, height: 512, channels: 3 };
const imgA = Float32Array.from({ length: 512 * 512 * 3 }, () => rng.next());
const imgB = Float32Array.from({ length: 512 * 512 * 3 }, () => rng.next());
const imgGrad = new Float32Array(512 * 512 * 3);
function measureLosses() {
  return {
    ssimLoss512: time(() => ssimLoss(imgA, imgB, IMG, { grad: imgGrad })),
    imageLoss512: time(() => imageLoss(imgA, imgB, IMG, { grad: imgGrad, weights: { l1: 0.8, ssim: 0.2 } })),
  };
}

const load0 = loadavg()[0]!;
const wasm = { ...measureMlp(), ...measureLosses() };
let js: typeof wasm | null = null;
if (WITH_JS && wasmGemmAvailable()) {
  setWasmGemmEnabled(false);
  js = { ...measureMlp(), ...measureLosses() };
  setWasmGemmEnabled(true);
}

// Triplane (3 × 32 × 128 × 128) sampling and its backward at N points.
const tp = new Triplane();
tp.planes.set(rand(tp.planes.length));
const pts = Float32Array.from({ length: N * 3 }, () => rng.uniform(-0.9, 0.9));
const taps = tp.taps(pts, N, [0, 0, 0]);
const triSample = time(() => tp.sample(taps, feat));
const triBackward = time(() => tp.backward(taps, dFeat));

const result = {
  benchmark: 'nn',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  loadAverage1m: [Number(load0.toFixed(1)), Number(loadavg()[0]!.toFixed(1))],
  n: N,
  reps: REPS,
  note: 'medians after one warm-up; wall and process-CPU ms; the machine is shared by several workers (see loadAverage1m), so wall times are noisy',
  denseMlpParams: dense.parameterCount(),
  wasmSimd: wasm,
  plainJs: js,
  triplane: { shape: [3, 32, 128, 128], sample: triSample, backward: triBackward },
};

const row = (name: string, a: Timing, b?: Timing) =>
  console.log(`${name.padEnd(40)} ${String(a.wallMs).padStart(6)} ${String(a.cpuMs).padStart(6)}   ${b ? String(b.wallMs).padStart(6) + ' ' + String(b.cpuMs).padStart(6) : ''}`);
console.log(`nn benchmark, N = ${N}, ${result.cpu} (${result.cores} cores), node ${process.version}, load ${result.loadAverage1m.join('→')}`);
console.log(`${''.padEnd(40)} ${'WASM SIMD'.padStart(13)}   ${js ? 'plain JS'.padStart(13) : ''}`);
console.log(`${'ms (wall, cpu)'.padEnd(40)} ${'wall'.padStart(6)} ${'cpu'.padStart(6)}   ${js ? 'wall'.padStart(6) + ' ' + 'cpu'.padStart(6) : ''}`);
row(`GEMM ${N / 1000}k×128×128 forward`, wasm.gemm128Forward, js?.gemm128Forward);
row('dense MLP 222→128³→3 fwd+bwd', wasm.denseMlpForwardBackward, js?.denseMlpForwardBackward);
row('PoseOffsetMlp forward', wasm.poseOffsetMlpForward, js?.poseOffsetMlpForward);
row('PoseOffsetMlp forward + backward', wasm.poseOffsetMlpForwardBackward, js?.poseOffsetMlpForwardBackward);
row('PoseOffsetMlp inference (frozen feats)', wasm.poseOffsetMlpInferenceFrozen, js?.poseOffsetMlpInferenceFrozen);
row('SSIM loss + grad, 512×512×3', wasm.ssimLoss512, js?.ssimLoss512);
row('image loss (0.8 L1 + 0.2 SSIM) + grad, 512²', wasm.imageLoss512, js?.imageLoss512);
row('triplane sample (96 features)', triSample);
row('triplane backward', triBackward);
await writeJsonAtomic(OUT, result);
console.log(`wrote ${OUT}`);
