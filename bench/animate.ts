/**
 * Render-speed benchmark of `persona animate`: posing + rendering one frame of a `standard`-sized avatar
 * (the MakeHuman body subdivided twice by edge midpoints: ~216k Gaussians) at 512², over a builtin motion,
 * with the forward-only fast renderer and with src/splat's rasterizer. Prints a table and writes JSON.
 *
 *   npm run bench:animate -- [--frames 30] [--size 512] [--motion dance] [--out bench/results/animate.json]
 *
 * The machine is shared: figures vary with the load average, which the JSON records.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createAvatarBundle, type AvatarBundle } from '../src/avatar/bundle.js';
import { loadBodyModel } from '../src/body/model.js';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { AvatarRenderer } from '../src/animate/renderer.js';
import type { SplatEngine } from '../src/splat/index.js';
import { cameraAt } from '../src/animate/cameras.js';
import { frameClip } from '../src/animate/animate.js';
import { avatarRestSkeleton, bindMotion, outputFrameCount, samplePose } from '../src/animate/poses.js';
import { getBuiltinMotion } from '../src/motion/builtin.js';
import { shutdownRasterWorkers } from '../src/splat/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const FRAMES = Number(arg('frames', '30'));
const SIZE = Number(arg('size', '512'));
const MOTION = arg('motion', 'dance');
const LEVELS = Number(arg('levels', '2'));
const OUT = arg('out', 'bench/results/animate.json');

/** One level of midpoint subdivision of a skinned, coloured triangle mesh (weights merged, top-K kept). */
function subdivide(pos: number[], tri: number[], sj: number[], sw: number[], col: number[], K: number): void {
  const edges = new Map<number, number>();
  const V0 = pos.length / 3;
  const mid = (a: number, b: number): number => {
    const key = a < b ? a * 4194304 + b : b * 4194304 + a;
    let m = edges.get(key);
    if (m !== undefined) return m;
    m = pos.length / 3;
    for (let c = 0; c < 3; c++) { pos.push((pos[a * 3 + c]! + pos[b * 3 + c]!) / 2); col.push((col[a * 3 + c]! + col[b * 3 + c]!) / 2); }
    const acc = new Map<number, number>();
    for (const v of [a, b]) for (let k = 0; k < K; k++) { const w = sw[v * K + k]!; if (w > 0) acc.set(sj[v * K + k]!, (acc.get(sj[v * K + k]!) ?? 0) + w / 2); }
    const top = [...acc.entries()].sort((x, y) => y[1] - x[1]).slice(0, K);
    const sum = top.reduce((s, [, w]) => s + w, 0);
    for (let k = 0; k < K; k++) { sj.push(top[k]?.[0] ?? 0); sw.push(top[k] ? top[k]![1] / sum : 0); }
    edges.set(key, m);
    return m;
  };
  const out: number[] = [];
  for (let f = 0; f < tri.length; f += 3) {
    const a = tri[f]!, b = tri[f + 1]!, c = tri[f + 2]!;
    const ab = mid(a, b), bc = mid(b, c), ca = mid(c, a);
    out.push(a, ab, ca, ab, b, bc, ca, bc, c, ab, bc, ca);
  }
  tri.length = 0;
  for (const v of out) tri.push(v);
  void V0;
}

/** A body-derived benchmark avatar: template mesh subdivided `levels` times, part colours, untrained. */
export function benchAvatar(levels: number): AvatarBundle {
  const body = loadBodyModel();
  const K = body.skinning.influences;
  const pos = Array.from(body.template), tri = Array.from(body.triangles);
  const sj = Array.from(body.skinning.joints), sw = Array.from(body.skinning.weights);
  const col: number[] = [];
  for (let v = 0; v < body.vertexCount; v++) {
    const p = body.partLabels[v]!;
    const h = (p * 0.618) % 1;
    col.push(0.55 + 0.35 * Math.cos(6.283 * h), 0.5 + 0.3 * Math.cos(6.283 * (h + 0.33)), 0.5 + 0.3 * Math.cos(6.283 * (h + 0.66)));
  }
  for (let l = 0; l < levels; l++) subdivide(pos, tri, sj, sw, col, K);
  const N = pos.length / 3;
  let edge = 0;
  for (let f = 0; f < Math.min(tri.length, 30000); f += 3) edge += Math.hypot(pos[tri[f]! * 3]! - pos[tri[f + 1]! * 3]!, pos[tri[f]! * 3 + 1]! - pos[tri[f + 1]! * 3 + 1]!, pos[tri[f]! * 3 + 2]! - pos[tri[f + 1]! * 3 + 2]!);
  edge /= Math.min(tri.length, 30000) / 3;
  const joints = body.jointPositions(body.template);
  return createAvatarBundle(
    {
      gaussianCount: N,
      body: { kind: body.kind, shape: [], subdivisionLevels: levels },
      skeleton: { names: [...body.skeleton.names], parents: Array.from(body.skeleton.parents), restJoints: Array.from(joints) },
      skinInfluences: K,
      poseOffsets: null,
    },
    {
      means: { data: Float32Array.from(pos), shape: [N, 3] },
      scales: { data: new Float32Array(N).fill(edge * 0.6), shape: [N] },
      colors: { data: Float32Array.from(col), shape: [N, 3] },
      opacities: { data: new Float32Array(N).fill(1), shape: [N] },
      parts: { data: new Uint8Array(N), shape: [N] },
      skinJoints: { data: Uint16Array.from(sj), shape: [N, K] },
      skinWeights: { data: Float32Array.from(sw), shape: [N, K] },
      triangles: { data: Uint32Array.from(tri), shape: [tri.length / 3, 3] },
    },
  );
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const tb = performance.now();
  const avatar = benchAvatar(LEVELS);
  const buildS = (performance.now() - tb) / 1000;
  const N = avatar.header.gaussianCount;
  const rs = avatarRestSkeleton(avatar);
  const motion = getBuiltinMotion(MOTION, rs.skeleton, rs.rest);
  const bound = bindMotion(motion, avatar);
  const total = outputFrameCount(bound, 30);
  const frames = Math.min(FRAMES, total);
  const results: Record<string, unknown>[] = [];
  console.log(`avatar: ${N} Gaussians (body subdivided ${LEVELS}×, built in ${buildS.toFixed(1)} s); motion ${MOTION}; ${frames} frames at ${SIZE}²; load ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
  console.log('engine   frames/s  ms/frame(median)  cpu-ms/frame  pose  project+sort  composite  visible');
  for (const engine of ['fast', 'reference'] as SplatEngine[]) {
    const r = new AvatarRenderer(avatar, { engine });
    const framing = frameClip(r, avatar, bound, total, 30);
    const pose = samplePose(bound, 0);
    const step = Math.max(1, Math.floor(total / frames));
    r.render(pose, cameraAt('front', framing, 0, total, { width: SIZE, height: SIZE })); // warm-up
    const per: number[] = [], poseMs: number[] = [], pre: number[] = [], ras: number[] = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < frames; i++) {
      const k = (i * step) % total;
      const t = performance.now();
      samplePose(bound, k / 30, pose);
      r.render(pose, cameraAt('front', framing, k, total, { width: SIZE, height: SIZE }));
      per.push(performance.now() - t);
      poseMs.push(r.last.poseMs); pre.push(r.last.preprocessMs); ras.push(r.last.rasterMs);
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerFrame = (cpu.user + cpu.system) / 1000 / frames; // this process only (workers included): what an idle core would take
    const row = {
      engine, frames, seconds: wall, framesPerSecond: frames / wall, medianMs: median(per), cpuMsPerFrame,
      poseMs: median(poseMs), preprocessMs: median(pre), rasterMs: median(ras), visible: r.last.visible,
    };
    results.push(row);
    console.log(`${engine.padEnd(8)} ${row.framesPerSecond.toFixed(1).padStart(8)}  ${row.medianMs.toFixed(1).padStart(16)}  ${row.cpuMsPerFrame.toFixed(1).padStart(12)}  ${row.poseMs.toFixed(1).padStart(4)}  ${row.preprocessMs.toFixed(1).padStart(12)}  ${row.rasterMs.toFixed(1).padStart(9)}  ${row.visible}`);
  }
  // posing with the pose-driven offset network (PERSONA MLP on the base-mesh anchors), on an untrained avatar
  // built by the training path (1 subdivision level: the anchors, and so the MLP cost, do not depend on it)
  const { buildGaussianTemplate } = await import('../src/avatar/buildTemplate.js');
  const { AvatarModel } = await import('../src/train/model.js');
  const { bundleFromModel } = await import('../src/train/toBundle.js');
  const { trainConfig } = await import('../src/train/config.js');
  const { createPoseScratch, poseAvatarMeans } = await import('../src/avatar/pose.js');
  const cfg = trainConfig('standard');
  const body = loadBodyModel();
  const withMlp = bundleFromModel(new AvatarModel(buildGaussianTemplate(body, { shape: new Float64Array(body.shapeCount), levels: 1 }), cfg.avatar, 0));
  const mb = bindMotion(getBuiltinMotion(MOTION, avatarRestSkeleton(withMlp).skeleton, avatarRestSkeleton(withMlp).rest), withMlp);
  const scratch = createPoseScratch(withMlp);
  const outMeans = new Float32Array(withMlp.header.gaussianCount * 3);
  const mlpMs: number[] = [], skinMs: number[] = [];
  const mp = samplePose(mb, 0);
  for (let i = 0; i < Math.min(5, frames); i++) {
    samplePose(mb, i / 10, mp);
    let t = performance.now();
    poseAvatarMeans(withMlp, mp.rotations, mp.translation, outMeans, scratch, { poseOffsets: true });
    mlpMs.push(performance.now() - t);
    t = performance.now();
    poseAvatarMeans(withMlp, mp.rotations, mp.translation, outMeans, scratch, { poseOffsets: false });
    skinMs.push(performance.now() - t);
  }
  const posing = {
    gaussians: withMlp.header.gaussianCount, anchors: withMlp.header.poseOffsets?.anchorCount ?? 0,
    hidden: withMlp.header.poseOffsets?.hidden ?? [], withOffsetsMs: median(mlpMs), skinningOnlyMs: median(skinMs),
  };
  console.log(`posing with the pose-offset MLP (${posing.anchors} anchors, hidden ${posing.hidden.join('-')}): ${posing.withOffsetsMs.toFixed(0)} ms/frame; skinning only: ${posing.skinningOnlyMs.toFixed(1)} ms/frame (${posing.gaussians} Gaussians)`);
  shutdownRasterWorkers();
  await writeJsonAtomic(OUT, {
    benchmark: 'animate', date: new Date().toISOString(), node: process.version, cores: cpus().length, cpu: cpus()[0]?.model,
    loadAverage: loadavg(), gaussians: N, size: SIZE, motion: MOTION, results, posing,
  });
  console.log(`wrote ${OUT}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
