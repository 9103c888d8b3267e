/**
 * The viewer's expression sliders in headless Chromium: an avatar with an expression basis (built straight from
 * the body template, test/avatar/templateBundle.ts) is framed on its face; moving the `smile` slider (the real
 * <input>) changes the face's pixels, and `neutral` brings back the unmodified render exactly. An avatar
 * without a basis shows a note instead of sliders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { startViewerServer } from '../../src/viewer/server.js';
import { findChromium } from '../../src/viewer/chromium.js';
import { bundleFromTemplate } from '../avatar/templateBundle.js';
import { tempDir } from '../helpers.js';

const VIEW = { width: 480, height: 360 };
interface State { ready: boolean; error: string | null; frames: number; sortCurrent: boolean; expression: Record<string, number>; expressionUpdates: number }
type Api = { state: State; lookAt(t: number[], d: number): void; neutral(): void };
const readState = (page: Page): Promise<State> => page.evaluate(() => (window as unknown as { __persona: Api }).__persona.state);

async function settle(page: Page, n = 3): Promise<void> {
  const s = await readState(page);
  await page.waitForFunction(
    (f) => { const st = (window as unknown as { __persona: Api }).__persona.state; return st.frames >= f && st.sortCurrent; },
    s.frames + n, { timeout: 60_000, polling: 50 });
}

/** PERSONA_TEST_SHOTS=<dir> keeps the screenshots (to look at them). */
async function pixels(page: Page, name?: string): Promise<Buffer> {
  // The canvas alone: the HUD (frame rate text) and panels are hidden for the shot.
  const png = await page.locator('#view').screenshot({ style: '#hud, #panel, #expressions, #drop { visibility: hidden !important; }' });
  const dir = process.env.PERSONA_TEST_SHOTS;
  if (dir && name) { await mkdir(dir, { recursive: true }); await writeFile(join(dir, `${name}.png`), png); await page.screenshot({ path: join(dir, `${name}-page.png`) }); }
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Fraction of pixels whose RGB differs by more than `tol` (sum of channel differences). */
function changed(a: Buffer, b: Buffer, tol: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > tol) n++;
  }
  return n / (a.length / 3);
}

test('viewer expression sliders change the face; neutral restores the unmodified render; no basis → note', { timeout: 300_000 }, async () => {
  const launch = await findChromium();
  assert.ok(existsSync('dist/viewer/index.html'), 'the viewer page is not built: run `npx vite build --config src/viewer/vite.config.ts`');
  const body = loadBodyModel();
  const tpl = buildGaussianTemplate(body, { shape: [0, 0, 0, 0], levels: 1 });
  const t = await tempDir();
  const withEx = bundleFromTemplate(tpl, true), without = bundleFromTemplate(tpl, false);
  // The template's colours are flat per part, so moved Gaussians would not show: give each Gaussian a colour
  // from a fine 3D pattern of its rest position (1–2 cm periods), carried with it when it moves.
  const rest = withEx.buffers.means as Float32Array, col = withEx.buffers.colors as Float32Array;
  for (let i = 0; i < withEx.header.gaussianCount; i++) {
    const [x, y, z] = [rest[i * 3]!, rest[i * 3 + 1]!, rest[i * 3 + 2]!];
    col[i * 3] = 0.5 + 0.4 * Math.sin(400 * x); col[i * 3 + 1] = 0.5 + 0.4 * Math.sin(500 * y); col[i * 3 + 2] = 0.5 + 0.4 * Math.sin(300 * z);
  }
  await writeAvatarBundle(join(t.dir, 'ex'), withEx);
  await writeAvatarBundle(join(t.dir, 'plain'), without);
  // Face framing: centroid of the Gaussians the basis moves.
  const gs = withEx.buffers.expressionGaussians as Uint32Array, means = withEx.buffers.means as Float32Array;
  const c = [0, 0, 0];
  for (const g of gs) for (let k = 0; k < 3; k++) c[k]! += means[g * 3 + k]! / gs.length;

  const serverEx = await startViewerServer({ avatarDir: join(t.dir, 'ex'), memoryFiles: new Map(), port: 0 });
  const serverPlain = await startViewerServer({ avatarDir: join(t.dir, 'plain'), memoryFiles: new Map(), port: 0 });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage({ viewport: VIEW });
    await page.goto(`${serverEx.url}?motion=rest&static=1&offsets=0`);
    await page.waitForFunction(() => { const s = (window as unknown as { __persona?: Api }).__persona?.state; return s && (s.error || (s.ready && s.frames > 0)); }, null, { timeout: 120_000 });
    let s = await readState(page);
    assert.equal(s.error, null);
    assert.deepEqual(Object.keys(s.expression).sort(), ['aa', 'anger', 'blinkLeft', 'blinkRight', 'ee', 'ih', 'oh', 'ou', 'sadness', 'smile', 'surprise']);
    await page.evaluate((tc) => (window as unknown as { __persona: Api }).__persona.lookAt(tc, 0.45), c);
    await settle(page);
    const neutral0 = await pixels(page, 'neutral');

    // Move the real slider to 1 (as a user dragging it does: value + input event).
    await page.locator('#expr-smile').fill('1');
    await page.waitForFunction(() => (window as unknown as { __persona: Api }).__persona.state.expressionUpdates > 0);
    await settle(page);
    s = await readState(page);
    assert.equal(s.expression.smile, 1);
    const smile = await pixels(page, 'smile');
    const dSmile = changed(neutral0, smile, 30);
    assert.ok(dSmile > 0.005, `smile changed ${(dSmile * 100).toFixed(2)}% of the face view's pixels`);

    await page.locator('#expr-aa').fill('1');
    await settle(page);
    const aa = await pixels(page, 'smile-aa');
    assert.ok(changed(smile, aa, 30) > 0.005, 'opening the mouth (aa) on top of smile changes the face again');

    await page.click('#expr-neutral');
    await settle(page);
    s = await readState(page);
    assert.ok(Object.values(s.expression).every((v) => v === 0), 'neutral resets every slider');
    const neutral1 = await pixels(page, 'neutral-again');
    const dBack = changed(neutral0, neutral1, 3);
    assert.equal(dBack, 0, `after neutral, ${(dBack * 100).toFixed(3)}% of pixels still differ from the unmodified render`);

    // An avatar without a basis: no sliders, a note.
    const page2 = await browser.newPage({ viewport: VIEW });
    await page2.goto(`${serverPlain.url}?motion=rest&static=1`);
    await page2.waitForFunction(() => { const st = (window as unknown as { __persona?: Api }).__persona?.state; return st && (st.error || (st.ready && st.frames > 0)); }, null, { timeout: 120_000 });
    assert.equal((await readState(page2)).error, null);
    assert.equal(await page2.locator('#expressions input').count(), 0);
    assert.match(await page2.locator('#expressions').innerText(), /no expression basis/);
  } finally {
    await browser?.close();
    await serverEx.close();
    await serverPlain.close();
    await t.cleanup();
  }
});
