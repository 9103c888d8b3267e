/**
 * The page in real headless Chromium (playwright-core; src/viewer/chromium.ts finds it: PERSONA_CHROMIUM, PATH or npm): pick
 * the sample photo, start at `test` quality, watch progress events arrive and the overlays appear, the
 * avatar play in the viewer, export buttons; then a corrupt file gets its message on the page. Screenshots of
 * each state go to PERSONA_SERVE_SHOTS=<dir> when set (docs/serve.md uses them).
 */
import { test } from 'node:test';
import { findChromium } from '../../src/viewer/chromium.js';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { samplePhoto } from '../../src/cli/create.js';
import { EmbeddedQueue, JobEvents, JobStore, startServeServer } from '../../src/serve/index.js';
import { tempDir } from '../helpers.js';


interface ServeView { jobId: string | null; job: { state: string; stage: string | null; progress: number; files: string[] } | null; events: number; message: string }
const readView = (page: Page): Promise<ServeView> => page.evaluate(() => (window as unknown as { __serve: ServeView }).__serve);

test('serve page in headless Chromium: upload, live progress, the avatar plays, a corrupt file is refused', { timeout: 600_000 }, async () => {
  const launch = await findChromium(); // PERSONA_CHROMIUM, PATH, or the npm-installed one; throws when none
  assert.ok(existsSync('dist/viewer/index.html'), 'the viewer page is not built: run `npm run build`');
  const t = await tempDir();
  const shots = process.env.PERSONA_SERVE_SHOTS ?? join(t.dir, 'shots');
  await mkdir(shots, { recursive: true });
  const store = new JobStore(join(t.dir, 'data'));
  await store.init();
  const events = new JobEvents();
  const queue = new EmbeddedQueue(store, events, 1);
  await queue.start();
  const server = await startServeServer({ dataDir: store.dataDir, store, events, queue, port: 0 });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, headless: true, args: launch.args, env: launch.env });
    const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('#quality option', { state: 'attached' });
    await page.setInputFiles('#file', samplePhoto());
    await page.selectOption('#quality', 'test');
    for (const m of ['turnaround', 'punch-kick']) await page.uncheck(`#motions input[value="${m}"]`);
    await page.screenshot({ path: join(shots, 'serve-1-photo.png') });
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { __serve: ServeView }).__serve.jobId !== null || (window as unknown as { __serve: ServeView }).__serve.message.length > 60, null, { timeout: 180_000 });
    let v = await readView(page);
    assert.ok(v.jobId, `the upload was accepted (message: ${v.message})`);

    // Live progress: several events, the overlays on the page, a stage bar moving.
    await page.waitForFunction(() => { const s = (window as unknown as { __serve: ServeView }).__serve; return (s.job?.state === 'running' && s.events >= 3 && s.job.files.includes('fit.png')) || s.job?.state === 'done'; }, null, { timeout: 300_000, polling: 200 });
    await page.waitForSelector('figure[data-name="perception.png"] img');
    assert.ok(await page.locator('#stages li.done').count() >= 1, 'a finished stage is shown');
    await page.screenshot({ path: join(shots, 'serve-2-progress.png') });

    // Done: the viewer plays the avatar; download buttons for every format.
    await page.waitForFunction(() => (window as unknown as { __serve: ServeView }).__serve.job?.state === 'done', null, { timeout: 400_000, polling: 500 });
    v = await readView(page);
    assert.ok(v.events >= 5, `${v.events} progress events`);
    const frame = await (async () => {
      for (let i = 0; i < 300; i++) {
        const f = page.frames().find((x) => x.url().includes('/view/'));
        if (f) return f;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no viewer frame');
    })();
    await frame.waitForFunction(() => { const s = (window as unknown as { __persona?: { state: { ready: boolean; frames: number; error: string | null } } }).__persona?.state; return s && (s.error || (s.ready && s.frames > 5)); }, null, { timeout: 120_000 });
    const viewer = await frame.evaluate(() => (window as unknown as { __persona: { state: { error: string | null; playing: boolean; motion: string; time: number } } }).__persona.state);
    assert.equal(viewer.error, null);
    assert.equal(viewer.motion, 'dance');
    assert.ok(viewer.playing && viewer.time > 0, 'the avatar plays');
    const formats = await page.locator('#downloads a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).dataset.format));
    for (const f of ['glb', 'ply', 'spz', 'gif', 'mp4']) assert.ok(formats.includes(f), `download button for ${f}`);
    const glb = await page.evaluate(async (href) => { const r = await fetch(href); return { status: r.status, size: (await r.arrayBuffer()).byteLength }; }, (await page.locator('#downloads a[data-format="glb"]').getAttribute('href'))!);
    assert.equal(glb.status, 200);
    assert.ok(glb.size > 10_000);
    assert.equal(await page.locator('.gallery .item').count(), 1, 'the gallery lists the avatar');
    await page.screenshot({ path: join(shots, 'serve-3-done.png'), fullPage: true });

    // A corrupt upload gets its message on the page, and nothing is queued.
    await page.setInputFiles('#file', { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not really a photo') });
    await page.click('#start');
    await page.waitForFunction(() => /not a JPEG, PNG or WebP/.test((window as unknown as { __serve: ServeView }).__serve.message), null, { timeout: 60_000 });
    assert.match(await page.locator('#message').innerText(), /broken\.jpg is not a JPEG, PNG or WebP photo/);
    assert.equal((await store.list()).length, 1, 'the corrupt upload made no job');
    await page.locator('#new').screenshot({ path: join(shots, 'serve-4-refused.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await server.close();
    await t.cleanup();
  }
});
