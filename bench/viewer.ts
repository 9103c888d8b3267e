/**
 * Viewer frame rate in headless Chromium (software GL: SwiftShader) on this machine, for a `standard`-size
 * avatar (synthetic, 200k Gaussians, PERSONA-sized pose-offset MLP on ~13k anchors), in three modes:
 *   static    — fixed pose, sorted once (rendering only)
 *   animated  — the dance motion: joint matrices + GPU skinning + a re-sort every frame, pose offsets off
 *   offsets   — as animated, with pose-driven offsets baked in the worker and blended per frame
 * Prints a table and writes JSON (default bench/results/viewer.json); --shot saves a screenshot.
 *
 * The modes are interleaved over --rounds rounds (the machine is shared, so its load drifts); fps per mode is
 * total frames / total seconds over the rounds, and each round's fps is kept.
 *
 *   npm run bench:viewer -- [--n 200000] [--anchors 13380] [--seconds 10] [--rounds 2] [--size 800x600] [--out path] [--shot path]
 *                           [--avatar <dir>]  (a real avatar folder instead of the synthetic one)
 *                           [--layout-ab]     (also: texel layout as uniforms instead of shader constants)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { loadAvatar, writeAvatarBundle } from '../src/avatar/bundle.js';
import { avatarFolder } from '../src/viewer/site.js';
import { writeJsonAtomic } from '../src/core/atomic.js';
import { builtinMotionFiles } from '../src/viewer/motions.js';
import { startViewerServer } from '../src/viewer/server.js';
import { syntheticAvatar } from '../src/bench/syntheticAvatar.js';
import { findChromium } from '../src/viewer/chromium.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const N = Number(arg('n', '200000'));
const ANCHORS = Number(arg('anchors', '13380'));
const SECONDS = Number(arg('seconds', '10'));
const ROUNDS = Number(arg('rounds', '2'));
const [W, H] = arg('size', '800x600').split('x').map(Number) as [number, number];
const OUT = arg('out', 'bench/results/viewer.json');
const SHOT = arg('shot', '');
const AVATAR = arg('avatar', '');
/** --layout-ab: also measure static/animated with the texel layout as uniforms (dynamic loop bounds). */
const LAYOUT_AB = process.argv.includes('--layout-ab');

interface State { ready: boolean; error: string | null; frames: number; sortMs: number; offsetMs: number; offsetFramesCached: number; sorts: number }
const state = (p: Page): Promise<State> => p.evaluate(() => (window as unknown as { __persona: { state: State } }).__persona.state);

async function measure(page: Page, url: string): Promise<Record<string, number | string>> {
  await page.goto(url);
  await page.waitForFunction(() => { const s = (window as unknown as { __persona?: { state: State } }).__persona?.state; return s && (s.error || (s.ready && s.frames > 2)); }, null, { timeout: 300_000 });
  await page.waitForTimeout(2000); // warm-up
  const a = await state(page);
  if (a.error) throw new Error(a.error);
  const t0 = Date.now();
  await page.waitForTimeout(SECONDS * 1000);
  const b = await state(page);
  const dt = (Date.now() - t0) / 1000;
  return {
    fps: Math.round(((b.frames - a.frames) / dt) * 100) / 100, frames: b.frames - a.frames, seconds: Math.round(dt * 10) / 10,
    sortsPerSecond: Math.round(((b.sorts - a.sorts) / dt) * 100) / 100, sortMs: Math.round(b.sortMs * 10) / 10,
    offsetMsPerPose: Math.round(b.offsetMs), offsetFramesBaked: b.offsetFramesCached,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'persona-bench-viewer-'));
try {
  const t = performance.now();
  const avatarDir = AVATAR ? avatarFolder(AVATAR) : join(dir, 'avatar');
  const avatar = AVATAR ? await loadAvatar(avatarDir) : syntheticAvatar({ gaussians: N, anchors: ANCHORS, featureDim: 96 });
  if (!AVATAR) await writeAvatarBundle(avatarDir, avatar);
  const buildMs = performance.now() - t;
  const { files } = builtinMotionFiles(avatar.header);
  const server = await startViewerServer({ avatarDir, memoryFiles: files, port: 0 });
  const gaussians = avatar.header.gaussianCount, anchors = avatar.header.poseOffsets?.anchorCount ?? 0;
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one
  const browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const d = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl ? String(gl.getParameter(d ? d.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'none';
    });
    const urls: Record<string, string> = {
      static: `${server.url}?static=1&offsets=0`, animated: `${server.url}?motion=dance&offsets=0`, offsets: `${server.url}?motion=dance`,
    };
    if (LAYOUT_AB) Object.assign(urls, { 'static-uniform': `${urls.static}&layout=uniform`, 'animated-uniform': `${urls.animated}&layout=uniform` });
    const runs: Record<string, Array<Record<string, number | string>>> = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
    for (let r = 0; r < ROUNDS; r++) for (const k of Object.keys(urls)) runs[k]!.push(await measure(page, urls[k]!));
    const modes: Record<string, Record<string, unknown>> = {};
    for (const [k, list] of Object.entries(runs)) {
      const frames = list.reduce((t, m) => t + Number(m.frames), 0), secs = list.reduce((t, m) => t + Number(m.seconds), 0);
      const last = list[list.length - 1]!;
      modes[k] = { ...last, fps: Math.round((frames / secs) * 100) / 100, frames, seconds: Math.round(secs * 10) / 10, fpsPerRound: list.map((m) => m.fps) };
    }
    if (SHOT) await writeFile(SHOT, await page.screenshot());
    const result = {
      bench: 'viewer', date: new Date().toISOString(), avatar: AVATAR || 'synthetic (src/viewer/syntheticAvatar.ts)', gaussians, anchors,
      mlp: avatar.header.poseOffsets ? `${avatar.header.poseOffsets.featureDim}+${avatar.header.poseOffsets.inputJoints.length * 6} → ${avatar.header.poseOffsets.hidden.join('-')} → 3` : 'none',
      viewport: `${W}x${H}`, chromium: await browser.version(), renderer, cpus: cpus().length, loadavg1: Math.round(loadavg()[0]! * 10) / 10,
      avatarBuildMs: Math.round(buildMs), rounds: ROUNDS, modes,
      relative: {
        animatedVsStatic: Math.round((Number(modes.animated.fps) / Number(modes.static.fps)) * 100) / 100,
        offsetsVsStatic: Math.round((Number(modes.offsets.fps) / Number(modes.static.fps)) * 100) / 100,
      },
    };
    console.log(`viewer bench: ${gaussians.toLocaleString('en')} Gaussians, ${W}×${H}, ${renderer}, load ${result.loadavg1} on ${result.cpus} cores`);
    console.log('mode              fps    sorts/s  sort ms  offset ms/pose  baked frames');
    for (const [k, v] of Object.entries(modes))
      console.log(`${k.padEnd(16)} ${String(v.fps).padStart(6)} ${String(v.sortsPerSecond).padStart(8)} ${String(v.sortMs).padStart(8)} ${String(v.offsetMsPerPose).padStart(15)} ${String(v.offsetFramesBaked).padStart(13)}`);
    console.log(`relative to static: animated ×${result.relative.animatedVsStatic}, with offsets ×${result.relative.offsetsVsStatic}`);
    await writeJsonAtomic(OUT, result);
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
