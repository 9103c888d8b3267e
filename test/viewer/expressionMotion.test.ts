/**
 * The viewer plays a persona-motion file's expression channels: a motion whose `aa` channel goes 0 → 1 → 0.5
 * (frames 0, 1, 2) is served with a template avatar that carries an expression basis; seeking to each frame
 * moves the canonical means the GPU holds by exactly the body model's aa offsets × the weight, and a slider adds
 * on top of the track.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { addExpressionOffsets, resolveExpression } from '../../src/avatar/expression.js';
import { motionToJsonText } from '../../src/motion/json.js';
import type { Motion } from '../../src/motion/types.js';
import { startViewerServer } from '../../src/viewer/server.js';
import { findChromium } from '../../src/viewer/chromium.js';
import { bundleFromTemplate } from '../avatar/templateBundle.js';
import { tempDir } from '../helpers.js';

interface State { ready: boolean; error: string | null; frames: number; motion: string; expressionUpdates: number; motionExpression: Record<string, number> }
type Api = { state: State; seek(t: number): void; pause(): void; setExpression(n: string, v: number): void; expressionMeans(): number[] };
const readState = (page: Page): Promise<State> => page.evaluate(() => (window as unknown as { __persona: Api }).__persona.state);

test('viewer plays a motion’s expression channels: the canonical means follow the per-frame weights (plus the sliders)', { timeout: 300_000 }, async () => {
  const launch = await findChromium();
  assert.ok(existsSync('dist/viewer/index.html'), 'the viewer page is not built: run `npx vite build --config src/viewer/vite.config.ts`');
  const body = loadBodyModel();
  const tpl = buildGaussianTemplate(body, { shape: [0, 0, 0, 0], levels: 1 });
  const avatar = bundleFromTemplate(tpl, true);
  const t = await tempDir();
  await writeAvatarBundle(join(t.dir, 'ex'), avatar);
  // Three frames at 1 fps, rest pose, aa = 0, 1, 0.5.
  const names = avatar.header.skeleton.names, J = names.length, F = 3;
  const rotations = new Float32Array(F * J * 4);
  for (let i = 0; i < F * J; i++) rotations[i * 4] = 1;
  const motion: Motion = { name: 'talk', fps: 1, frameCount: F, jointNames: [...names], rotations, rootTranslation: new Float32Array(F * 3), expressions: { names: ['aa'], weights: Float32Array.of(0, 1, 0.5) } };
  const files = new Map<string, string>([
    ['/motions/index.json', JSON.stringify({ motions: [{ name: 'talk', file: 'talk.json', frameCount: F, fps: 1 }] })],
    ['/motions/talk.json', motionToJsonText(motion)],
  ]);
  // Expected canonical means of the basis Gaussians for a weight on aa (and smile).
  const gs = avatar.buffers.expressionGaussians as Uint32Array, rest = avatar.buffers.means as Float32Array;
  const aa = resolveExpression(avatar, 'aa'), smile = resolveExpression(avatar, 'smile');
  const expected = (a: number, s = 0): Float32Array => {
    const w = aa.weights.map((x, k) => a * x + s * smile.weights[k]!);
    const out = Float32Array.from(rest);
    addExpressionOffsets(avatar, w, out);
    return Float32Array.from(Array.from(gs).flatMap((i) => [out[i * 3]!, out[i * 3 + 1]!, out[i * 3 + 2]!]));
  };
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!)); return m; };

  const server = await startViewerServer({ avatarDir: join(t.dir, 'ex'), memoryFiles: files, port: 0 });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage({ viewport: { width: 320, height: 240 } });
    await page.goto(`${server.url}?motion=talk&play=0&offsets=0`);
    await page.waitForFunction(() => { const s = (window as unknown as { __persona?: Api }).__persona?.state; return s && (s.error || (s.ready && s.frames > 0)); }, null, { timeout: 120_000 });
    assert.equal((await readState(page)).error, null);
    const at = async (time: number, aaWeight: number): Promise<number[]> => {
      await page.evaluate((x) => (window as unknown as { __persona: Api }).__persona.seek(x), time);
      await page.waitForFunction((w) => Math.abs(((window as unknown as { __persona: Api }).__persona.state.motionExpression.aa ?? -1) - w) < 1e-4, aaWeight, { timeout: 30_000, polling: 20 });
      return page.evaluate(() => (window as unknown as { __persona: Api }).__persona.expressionMeans());
    };
    const m0 = await at(0, 0), m1 = await at(1, 1), m2 = await at(2, 0.5), m15 = await at(1.5, 0.75);
    const offsetScale = maxDiff(expected(1), expected(0));
    console.log(`viewer expression track: aa moves the basis Gaussians by up to ${(offsetScale * 1000).toFixed(1)} mm; errors ${[maxDiff(m0, expected(0)), maxDiff(m1, expected(1)), maxDiff(m2, expected(0.5)), maxDiff(m15, expected(0.75))].map((e) => e.toExponential(1)).join(', ')} m`);
    assert.ok(offsetScale > 0.005, 'aa moves the face by millimetres (the check is not vacuous)');
    assert.ok(maxDiff(m0, expected(0)) < 1e-6, 'frame 0 (aa 0): rest means');
    assert.ok(maxDiff(m1, expected(1)) < 1e-5, 'frame 1 (aa 1)');
    assert.ok(maxDiff(m2, expected(0.5)) < 1e-5, 'frame 2 (aa 0.5)');
    assert.ok(maxDiff(m15, expected(0.75)) < 1e-5, 'between frames 1 and 2: linear in time');
    assert.ok(maxDiff(m1, m0) > 0.005, 'the canonical means change over the frames');
    // A slider adds to the track.
    await page.evaluate(() => (window as unknown as { __persona: Api }).__persona.setExpression('smile', 1));
    const both = await page.evaluate(() => (window as unknown as { __persona: Api }).__persona.expressionMeans());
    assert.ok(maxDiff(both, expected(0.75, 1)) < 1e-5, 'slider smile + track aa');
  } finally {
    await browser?.close();
    await server.close();
    await t.cleanup();
  }
});
