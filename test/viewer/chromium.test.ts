/**
 * The headless Chromium that `npm install` brings (src/viewer/chromium.ts) starts and draws WebGL, even on a
 * machine that has a system Chromium (PATH is emptied for this process, so the npm one is what runs). The
 * viewer's end-to-end test then uses whichever the resolution order picks.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { chromium } from 'playwright-core';
import { CHROMIUM_ENV, findChromium } from '../../src/viewer/chromium.js';
import { PersonaError } from '../../src/core/errors.js';

const saved = { path: process.env.PATH, env: process.env[CHROMIUM_ENV] };
after(() => {
  process.env.PATH = saved.path;
  if (saved.env === undefined) delete process.env[CHROMIUM_ENV];
  else process.env[CHROMIUM_ENV] = saved.env;
});

test('a PERSONA_CHROMIUM that does not exist is an error', async () => {
  process.env[CHROMIUM_ENV] = '/nonexistent/chromium';
  await assert.rejects(findChromium(), (e: unknown) => e instanceof PersonaError && /PERSONA_CHROMIUM=\/nonexistent\/chromium does not exist/.test(e.message));
});

test('with no PERSONA_CHROMIUM and nothing on PATH, the npm Chromium launches and renders WebGL2', { timeout: 180_000 }, async () => {
  delete process.env[CHROMIUM_ENV];
  process.env.PATH = '/nonexistent';
  const launch = await findChromium();
  process.env.PATH = saved.path;
  assert.equal(launch.source, 'npm');
  assert.match(launch.executablePath, /persona-chromium/);
  const browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
  try {
    const page = await browser.newPage({ viewport: { width: 64, height: 64 } });
    await page.setContent('<body style="margin:0"><canvas id="c" width="64" height="64"></canvas></body>');
    const renderer = await page.evaluate(() => {
      const gl = (document.getElementById('c') as HTMLCanvasElement).getContext('webgl2', { preserveDrawingBuffer: true });
      if (!gl) return null;
      gl.clearColor(1, 0, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
      return String(gl.getParameter(gl.VERSION));
    });
    assert.ok(renderer, 'WebGL2 context');
    const { data } = await sharp(await page.screenshot()).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([data[0], data[1], data[2]], [255, 0, 0], 'the canvas was cleared to red');
  } finally {
    await browser.close();
  }
});
