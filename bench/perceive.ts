/**
 * Perception benchmark: time per photo, cold (a fresh process: module import, model
 * loading and the first photo) and warm (models loaded, photos one after another).
 * Photos are synthetic people rendered by test/perceive/synth.ts (the project has no
 * real photos). Prints a table and writes bench/results/perceive.json.
 *
 *   npm run bench:perceive                 # default: 3 cold runs, 6 warm photos, 1024×1536
 *   node dist/bench/perceive.js --images docs/images   # also writes the docs overlays
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { readImage, writePng } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { drawOverlay } from '../src/perceive/overlay.js';
import { Perceiver } from '../src/perceive/perceiver.js';
import { renderSynth, SYNTH_POSES, type SynthOptions } from '../test/perceive/synth.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** The three synthetic people of the docs (different shapes, poses, clothes, backgrounds). */
export const DOCS_PEOPLE: Array<{ name: string; options: SynthOptions }> = [
  {
    name: 'slim-woman-wave',
    options: {
      pose: SYNTH_POSES.wave,
      shape: [['universal-female-young-averagemuscle-minweight', 1], ['universal-male-young-averagemuscle-averageweight', -1]],
      look: { shirt: [0.85, 0.3, 0.45], trousers: [0.15, 0.2, 0.35], skin: [0.93, 0.76, 0.66], background: [0.92, 0.9, 0.84] },
    },
  },
  {
    name: 'heavy-man-stride',
    options: {
      pose: SYNTH_POSES.stride,
      shape: [['universal-male-young-averagemuscle-maxweight', 1.2], ['universal-male-young-averagemuscle-averageweight', -0.6]],
      look: { shirt: [0.2, 0.55, 0.3], trousers: [0.45, 0.35, 0.25], skin: [0.55, 0.38, 0.28], background: [0.7, 0.78, 0.86] },
    },
  },
  {
    name: 'lean-man-apose',
    options: {
      pose: SYNTH_POSES.apose,
      shape: [['universal-male-old-maxmuscle-minweight', 1], ['universal-male-young-averagemuscle-averageweight', -0.5]],
      look: { shirt: [0.9, 0.9, 0.88], trousers: [0.1, 0.1, 0.12], skin: [0.78, 0.6, 0.45], background: [0.55, 0.55, 0.5] },
    },
  },
];

async function child(photo: string): Promise<void> {
  // Cold start: everything from process start (performance.timeOrigin) to the first result.
  const t0 = performance.now();
  const image = await readImage(photo, 3);
  const p = await Perceiver.create();
  const t1 = performance.now();
  const r = await p.perceive(image);
  const t2 = performance.now();
  await p.close();
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, sinceProcessStart: t2 / 1000, importAndRead: t0 / 1000, load: (t1 - t0) / 1000, firstPhoto: (t2 - t1) / 1000, timings: r.timings }) + '\n',
  );
}

async function main(): Promise<void> {
  const childPhoto = flag('--child');
  if (childPhoto) return child(childPhoto);
  const width = Number(flag('--width') ?? 1024), height = Number(flag('--height') ?? 1536);
  const coldRuns = Number(flag('--cold') ?? 3), warmRuns = Number(flag('--warm') ?? 6);
  const dir = await mkdtemp(join(tmpdir(), 'persona-bench-perceive-'));
  try {
    const people = DOCS_PEOPLE.map((p) => ({ ...p, render: renderSynth({ ...p.options, width, height, fovYDeg: 38 }) }));
    const photo = join(dir, 'photo.png');
    await writePng(photo, people[0]!.render.image);

    const self = fileURLToPath(import.meta.url);
    const cold: Array<Record<string, unknown>> = [];
    for (let i = 0; i < coldRuns; i++) {
      const t = performance.now();
      const out = spawnSync(process.execPath, [self, '--child', photo], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`cold run failed: ${out.stderr}`);
      cold.push({ ...JSON.parse(out.stdout.trim().split('\n').pop()!), wallFromSpawn: (performance.now() - t) / 1000 });
    }

    const perceiver = await Perceiver.create();
    await perceiver.perceive(people[0]!.render.image); // warm-up
    const warm: number[] = [];
    const warmCpu: number[] = [];
    const steps: Record<string, number[]> = {};
    for (let i = 0; i < warmRuns; i++) {
      const img = people[i % people.length]!.render.image;
      const t = performance.now();
      const c = process.cpuUsage();
      const r = await perceiver.perceive(img);
      warm.push((performance.now() - t) / 1000);
      const dc = process.cpuUsage(c);
      warmCpu.push((dc.user + dc.system) / 1e6);
      for (const [k, v] of Object.entries(r.timings)) (steps[k] ??= []).push(v);
    }
    const imagesDir = flag('--images');
    if (imagesDir) {
      await mkdir(imagesDir, { recursive: true });
      for (const p of DOCS_PEOPLE) {
        const render = renderSynth({ ...p.options, width: 512, height: 768, fovYDeg: 38 });
        const r = await perceiver.perceive(render.image);
        await writePng(join(imagesDir, `perceive-${p.name}.png`), drawOverlay(render.image, r));
        process.stdout.write(`wrote ${join(imagesDir, `perceive-${p.name}.png`)} (facing ${r.person.facing}, hands ${r.hands.left ? 'L' : ''}${r.hands.right ? 'R' : ''}, face ${r.face ? 'yes' : 'no'})\n`);
      }
    }
    await perceiver.close();

    const stat = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      if (s.length === 0) return { median: NaN, min: NaN, max: NaN, mean: NaN };
      return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
    };
    const coldTotals = cold.map((c) => c.wallFromSpawn as number);
    const result = {
      benchmark: 'perceive',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, note: '2 cores shared with other workers: figures are noisy' },
      photo: { width, height, kind: 'synthetic render (test/perceive/synth.ts)' },
      coldSeconds: { ...stat(coldTotals), runs: cold },
      warmSecondsPerPhoto: { ...stat(warm), runs: warm },
      /** CPU seconds per warm photo (user + system of this process): what an idle machine's wall time would be, the backend being single-threaded. */
      warmCpuSecondsPerPhoto: { ...stat(warmCpu), runs: warmCpu },
      warmSteps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, stat(v).median])),
      bars: { coldUnder: 15, warmUnder: 5 },
    };
    const out = join(packageRoot(), 'bench', 'results', 'perceive.json');
    await writeJsonAtomic(out, result);
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
    process.stdout.write(
      `perceive benchmark, ${width}×${height} synthetic photo, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})\n` +
        `  cold (fresh process, load + first photo): median ${f(result.coldSeconds.median)} s  [${coldTotals.map(f).join(', ')}]  bar < 15 s\n` +
        `  cold CPU time:                            ${cold.map((c) => f(c.cpuSeconds as number)).join(', ')} s\n` +
        `  warm per photo:                           median ${f(result.warmSecondsPerPhoto.median)} s  [${warm.map(f).join(', ')}]  bar < 5 s\n` +
        `  warm CPU time per photo:                  median ${f(result.warmCpuSecondsPerPhoto.median)} s  [${warmCpu.map(f).join(', ')}]\n` +
        `  warm steps (median s): ${Object.entries(result.warmSteps).map(([k, v]) => `${k} ${f(v)}`).join(', ')}\n` +
        `  written: ${out}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
