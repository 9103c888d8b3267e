/**
 * Benchmark of the pose-offset network on the CPU: forward + backward of PERSONA's MLP
 * (222 → 128-128-128 with GroupNorm(4) → 3) and its triplane, for N Gaussians.
 * Prints a table and writes JSON (default bench/results/nn.json).
 *
 *   npm run bench:nn -- [--n 40000] [--reps 3] [--out path.json]
 */
import { writeJsonAtomic } from '../src/core/atomic.js';
import { Rng } from '../src/core/rng.js';
import { Mlp } from '../src/nn/mlp.js';
import { PoseOffsetMlp } from '../src/nn/pose-mlp.js';
import { Triplane } from '../src/nn/triplane.js';
import { linearForward } from '../src/nn/kernels.js';
import { cpus } from 'node:os';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg('n', '40000'));
const REPS = Number(arg('reps', '3'));
const OUT = arg('out', 'bench/results/nn.json');
const FEAT = 96; // 3 planes × 32 channels
const COND = 126; // 21 body joints × 6D
const JOINTS = 55; // SMPL-X joints: distinct neighbourhood masks ≤ 55

/** Median wall time of `fn` over REPS runs after one warm-up, in ms. */
function time(fn: () => void): { medianMs: number; allMs: number[] } {
  fn();
  const all: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    fn();
    all.push(performance.now() - t);
  }
  const s = [...all].sort((a, b) => a - b);
  return { medianMs: s[Math.floor(s.length / 2)]!, allMs: all.map((v) => Math.round(v)) };
}

const rng = new Rng(1);
const rand = (len: number) => Float32Array.from({ length: len }, () => rng.uniform(-1, 1));

// Raw GEMM throughput for context.
const gx = rand(N * 128), gw = rand(128 * 128), gb = rand(128), gy = new Float32Array(N * 128);
const gemm = time(() => linearForward(gx, gw, gb, gy, N, 128, 128));
const gflops = (2 * N * 128 * 128) / (gemm.medianMs * 1e6);

// Dense MLP on the concatenated input (what PyTorch PERSONA computes).
const dense = new Mlp({ inDim: FEAT + COND, outDim: 3, rng });
const xDense = rand(N * (FEAT + COND)), dOut = rand(N * 3), dxDense = new Float32Array(N * (FEAT + COND));
const denseFwd = time(() => dense.forward(xDense, N));
const denseFwdBwd = time(() => {
  dense.forward(xDense, N);
  dense.backward(xDense, dOut, N, dxDense);
});

// Split first layer: per-Gaussian triplane features + per-joint shared pose condition.
const pm = new PoseOffsetMlp({ featDim: FEAT, condDim: COND, rng });
const feat = rand(N * FEAT), cond = rand(JOINTS * COND), dFeat = new Float32Array(N * FEAT);
const gIdx = Int32Array.from({ length: N }, () => rng.int(JOINTS));
const splitFwd = time(() => pm.forward(feat, cond, gIdx, N, JOINTS));
const splitFwdBwd = time(() => {
  pm.forward(feat, cond, gIdx, N, JOINTS);
  pm.backward(feat, cond, gIdx, dOut, N, JOINTS, dFeat);
});

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
  n: N,
  reps: REPS,
  note: 'median of reps after one warm-up; the machine is shared by several workers, so expect ±30% noise',
  gemm128: { ...gemm, gflops: Number(gflops.toFixed(2)) },
  denseMlp: { inDim: FEAT + COND, params: dense.parameterCount(), forward: denseFwd, forwardBackward: denseFwdBwd },
  poseOffsetMlp: { featDim: FEAT, condDim: COND, groupsOfCondition: JOINTS, forward: splitFwd, forwardBackward: splitFwdBwd },
  triplane: { shape: [3, 32, 128, 128], sample: triSample, backward: triBackward },
};

const row = (name: string, ms: number) => console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
console.log(`nn benchmark, N = ${N}, ${result.cpu} (${result.cores} cores), node ${process.version}`);
row(`GEMM 128×128 forward (${gflops.toFixed(2)} GFLOP/s)`, gemm.medianMs);
row('dense MLP 222→128³→3 forward', denseFwd.medianMs);
row('dense MLP forward + backward', denseFwdBwd.medianMs);
row('PoseOffsetMlp (split first layer) forward', splitFwd.medianMs);
row('PoseOffsetMlp forward + backward', splitFwdBwd.medianMs);
row('triplane sample (96 features)', triSample.medianMs);
row('triplane backward', triBackward.medianMs);
await writeJsonAtomic(OUT, result);
console.log(`wrote ${OUT}`);
