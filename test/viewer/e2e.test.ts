/**
 * End-to-end: `persona view`'s server + the built page in headless Chromium (software GL). Loads a small
 * avatar, waits for the first frame, checks the canvas is not blank, that the person's pixels move between
 * two timestamps, switches motion (through the page's picker), plays a dropped motion file, and saves a
 * screenshot. Chromium missing is a failure, not a skip: `npm install` brings one (src/viewer/chromium.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { builtinMotionFiles } from '../../src/viewer/motions.js';
import { startViewerServer } from '../../src/viewer/server.js';
import { findChromium } from '../../src/viewer/chromium.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';
import { tempDir } from '../helpers.js';

const VIEW = { width: 400, height: 400 };

interface State { ready: boolean; error: string | null; frames: number; motion: string; motions: string[]; time: number; playing: boolean; sortCurrent: boolean }
const readState = (page: Page): Promise<State> => page.evaluate(() => (window as unknown as { __persona: { state: State } }).__persona.state);

/** Waits until the page has drawn `n` more frames and the draw order is sorted for the shown pose. */
async function settle(page: Page, n = 3): Promise<void> {
  const s = await readState(page);
  await page.waitForFunction(
    (f) => { const st = (window as unknown as { __persona: { state: State } }).__persona.state; return st.frames >= f && st.sortCurrent; },
    s.frames + n, { timeout: 60_000, polling: 50 });
  await page.waitForFunction((f) => (window as unknown as { __persona: { state: State } }).__persona.state.frames >= f, s.frames + n + 1, { timeout: 60_000, polling: 50 });
}

/** Foreground mask of the canvas: pixels that differ from the background colour. */
async function foreground(page: Page): Promise<{ mask: Uint8Array; count: number; png: Buffer }> {
  const png = await page.locator('#view').screenshot();
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bg = [data[0]!, data[1]!, data[2]!]; // top-left corner is background (HUD text is elsewhere)
  const mask = new Uint8Array(info.width * info.height);
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    const d = Math.abs(data[i * 3]! - bg[0]!) + Math.abs(data[i * 3 + 1]! - bg[1]!) + Math.abs(data[i * 3 + 2]! - bg[2]!);
    if (d > 40) { mask[i] = 1; count++; }
  }
  return { mask, count, png };
}

/** Dispatches a file drop on the page, as a user dragging a file from the desktop does. */
async function drop(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t!], n!, { type: 'text/plain' }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [name, text]);
}

const ARMS_DOWN_BVH = `HIERARCHY
ROOT Hips
{
  OFFSET 0 95 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    JOINT LeftArm
    {
      OFFSET 18 35 0
      CHANNELS 3 Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET 50 0 0
      }
    }
    JOINT RightArm
    {
      OFFSET -18 35 0
      CHANNELS 3 Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET -50 0 0
      }
    }
  }
}
MOTION
Frames: 1
Frame Time: 0.0333333
0 95 0 0 0 0 0 0 0 -70 0 0 70 0 0
`;

function maskChange(a: Uint8Array, b: Uint8Array): number {
  let x = 0, u = 0;
  for (let i = 0; i < a.length; i++) { if (a[i]! !== b[i]!) x++; if (a[i]! || b[i]!) u++; }
  return u > 0 ? x / u : 0;
}

test('viewer page in headless Chromium: renders, animates, switches motion, plays a dropped file', { timeout: 240_000 }, async () => {
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one; throws when none
  assert.ok(existsSync('dist/viewer/index.html'), 'the viewer page is not built: run `npm run build`');
  const t = await tempDir();
  let browser: Browser | undefined;
  const server = await (async () => {
    const avatar = syntheticAvatar({ gaussians: 3000, anchors: 60, hidden: [32, 32] });
    await writeAvatarBundle(join(t.dir, 'avatar'), avatar);
    const { files } = builtinMotionFiles(avatar.header);
    return startViewerServer({ avatarDir: join(t.dir, 'avatar'), memoryFiles: files, port: 0 });
  })();
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage({ viewport: VIEW });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}?motion=dance`);
    await page.waitForFunction(() => { const s = (window as unknown as { __persona?: { state: State } }).__persona?.state; return s && (s.error || (s.ready && s.frames > 0)); }, null, { timeout: 60_000 });
    let s = await readState(page);
    assert.equal(s.error, null);
    assert.equal(s.motion, 'dance');
    assert.ok(s.motions.includes('walk'), `motions: ${s.motions.join(', ')}`);

    // Playing: time advances.
    const t0 = s.time;
    await page.waitForFunction((f) => (window as unknown as { __persona: { state: State } }).__persona.state.frames >= f, s.frames + 3, { timeout: 60_000 });
    s = await readState(page);
    assert.ok(s.playing && s.time !== t0, 'playback time advances');

    // Two timestamps of the paused motion: the canvas shows a person, and the person moved.
    await page.click('#play'); // pause
    await page.evaluate(() => (window as unknown as { __persona: { seek(t: number): void } }).__persona.seek(0.8));
    await settle(page);
    const a = await foreground(page);
    const px = VIEW.width * VIEW.height;
    assert.ok(a.count > px * 0.02 && a.count < px * 0.6, `foreground covers ${((100 * a.count) / px).toFixed(1)}% of the canvas`);
    await page.evaluate(() => (window as unknown as { __persona: { seek(t: number): void } }).__persona.seek(2.4));
    await settle(page);
    const b = await foreground(page);
    assert.ok(b.count > px * 0.02, 'still a person');
    const moved = maskChange(a.mask, b.mask);
    assert.ok(moved > 0.05, `person's pixels changed by ${(moved * 100).toFixed(1)}% between t=0.8 s and t=2.4 s`);

    // Switch motion through the picker.
    await page.selectOption('#motion', 'arms-up');
    await page.waitForFunction(() => (window as unknown as { __persona: { state: State } }).__persona.state.motion === 'arms-up');
    await page.evaluate(() => (window as unknown as { __persona: { seek(t: number): void } }).__persona.seek(1.5));
    await settle(page);
    const c = await foreground(page);
    assert.ok(maskChange(b.mask, c.mask) > 0.05, 'the new motion shows a different pose');

    // Drop a persona-motion JSON file (SMPL-X names, retargeted in the page): the left arm straight up.
    const q = [Math.cos(Math.PI / 4), 0, 0, Math.sin(Math.PI / 4)]; // +90° about z: the left arm (along +x) swings up
    const json = JSON.stringify({ format: 'persona-motion', version: 1, name: 'raise-left', fps: 30, joints: ['left_shoulder'], frames: [{ r: [q], t: [0, 0, 0] }] });
    await drop(page, 'raise-left.json', json);
    await page.waitForFunction(() => (window as unknown as { __persona: { state: State } }).__persona.state.motion === 'raise-left', null, { timeout: 30_000 });
    await settle(page);
    const d = await foreground(page);
    assert.ok(d.count > px * 0.02 && maskChange(c.mask, d.mask) > 0.03, 'the dropped JSON motion is shown');

    // Drop a BVH file (Mixamo names, cm): both arms down by 70° (a BVH rig in T-pose).
    await drop(page, 'arms-down.bvh', ARMS_DOWN_BVH);
    await page.waitForFunction(() => (window as unknown as { __persona: { state: State } }).__persona.state.motion === 'arms-down', null, { timeout: 30_000 });
    await settle(page);
    const e = await foreground(page);
    assert.ok(e.count > px * 0.02 && maskChange(d.mask, e.mask) > 0.03, 'the dropped BVH motion is shown');

    // PERSONA_VIEWER_SHOT=<path> keeps the screenshot (for looking at it).
    const shot = process.env.PERSONA_VIEWER_SHOT ?? join(t.dir, 'viewer.png');
    await writeFile(shot, await page.screenshot());
    const meta = await sharp(shot).metadata();
    assert.equal(meta.width, VIEW.width);
    assert.deepEqual(errors, []);
    s = await readState(page);
    assert.equal(s.error, null);
  } finally {
    await browser?.close();
    await server.close();
    await t.cleanup();
  }
});
