import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ingest } from '../../src/ingest/ingest.js';
import { PersonaError } from '../../src/core/errors.js';
import { Subject } from '../../src/subject/manifest.js';
import { tempDir } from '../helpers.js';

/** A w×h RGB JPEG whose left half is red and right half blue. */
async function twoToneJpeg(w: number, h: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (x < w / 2) px[i] = 255;
      else px[i + 2] = 255;
    }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

async function expectIngestError(file: string, out: string, pattern: RegExp): Promise<void> {
  await assert.rejects(ingest(file, out), (err: unknown) => {
    assert.ok(err instanceof PersonaError, 'a PersonaError');
    assert.match(err.message, pattern);
    assert.ok(err.message.includes(file), 'the message names the file');
    return true;
  });
  assert.equal(existsSync(out), false, 'nothing is written for bad input');
}

test('ingest rejects empty, non-image, truncated and unsupported files and writes nothing', async () => {
  const t = await tempDir();
  try {
    const empty = join(t.dir, 'empty.jpg');
    await writeFile(empty, Buffer.alloc(0));
    await expectIngestError(empty, join(t.dir, 'out1'), /empty/);

    const text = join(t.dir, 'notes.png');
    await writeFile(text, 'this is not an image\n');
    await expectIngestError(text, join(t.dir, 'out2'), /not an image/);

    const good = await twoToneJpeg(300, 400);
    const truncated = join(t.dir, 'truncated.jpg');
    await writeFile(truncated, good.subarray(0, Math.floor(good.length / 2)));
    await expectIngestError(truncated, join(t.dir, 'out3'), /damaged|cannot be decoded/);

    const gif = join(t.dir, 'anim.gif');
    await writeFile(gif, await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888' } }).gif().toBuffer());
    await expectIngestError(gif, join(t.dir, 'out4'), /GIF/);

    const tiny = join(t.dir, 'tiny.png');
    await writeFile(tiny, await sharp({ create: { width: 20, height: 30, channels: 3, background: '#888' } }).png().toBuffer());
    await expectIngestError(tiny, join(t.dir, 'out5'), /too small/);

    await expectIngestError(join(t.dir, 'missing.jpg'), join(t.dir, 'out6'), /Cannot read/);
  } finally {
    await t.cleanup();
  }
});

test('ingest applies EXIF orientation', async () => {
  const t = await tempDir();
  try {
    // Stored 300 wide × 200 high, tagged orientation 6 (rotate 90° clockwise to display).
    const stored = await sharp(await twoToneJpeg(300, 200)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const file = join(t.dir, 'rotated.jpg');
    await writeFile(file, stored);
    const r = await ingest(file, join(t.dir, 'subject'));
    assert.equal(r.exifOrientation, 6);
    assert.deepEqual([r.width, r.height], [200, 300]);
    const { data, info } = await sharp(join(t.dir, 'subject/input/image.png')).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [200, 300]);
    // Rotating clockwise puts the stored left (red) half at the top.
    const top = (10 * info.width + 100) * info.channels;
    const bottom = ((info.height - 10) * info.width + 100) * info.channels;
    assert.ok(data[top]! > 200 && data[top + 2]! < 60, 'top is red');
    assert.ok(data[bottom + 2]! > 200 && data[bottom]! < 60, 'bottom is blue');
  } finally {
    await t.cleanup();
  }
});

test('ingest downscales an oversize photo to the long-side bound and keeps alpha as a hint', async () => {
  const t = await tempDir();
  try {
    const file = join(t.dir, 'big.png');
    const w = 3000, h = 1500;
    const px = Buffer.alloc(w * h * 4, 255);
    for (let i = 0; i < w * h; i++) if (i % w < w / 2) px[i * 4 + 3] = 0; // left half transparent
    await writeFile(file, await sharp(px, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer());
    const r = await ingest(file, join(t.dir, 's'), { maxSide: 1000 });
    assert.deepEqual([r.width, r.height, r.originalWidth, r.originalHeight], [1000, 500, 3000, 1500]);
    assert.equal(r.hasAlphaHint, true);
    const meta = await sharp(join(t.dir, 's/input/image.png')).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [1000, 500, 3]);
    const alpha = await sharp(join(t.dir, 's/input/alpha.png')).raw().toBuffer({ resolveWithObject: true });
    const ch = alpha.info.channels;
    assert.equal(alpha.data[10 * ch], 0, 'transparent left half');
    assert.equal(alpha.data[900 * ch], 255, 'opaque right half');
  } finally {
    await t.cleanup();
  }
});

test('ingest records itself in the manifest, skips when unchanged, reruns on --force or new input', async () => {
  const t = await tempDir();
  try {
    const file = join(t.dir, 'p.jpg');
    await writeFile(file, await twoToneJpeg(200, 300));
    const out = join(t.dir, 's');
    const first = await ingest(file, out);
    assert.equal(first.ran, true);
    const m1 = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(m1.stages.ingest.status, 'done');
    assert.match(m1.stages.ingest.inputs.photo, /^[0-9a-f]{64}$/);
    assert.equal(typeof m1.stages.ingest.seconds, 'number');
    assert.equal((await ingest(file, out)).ran, false, 'unchanged → skipped');
    assert.equal((await ingest(file, out, { force: true })).ran, true, 'force → rerun');
    assert.equal((await ingest(file, out, { maxSide: 100 })).ran, true, 'new options → rerun');
    await writeFile(file, await twoToneJpeg(220, 300));
    assert.equal((await ingest(file, out, { maxSide: 100 })).ran, true, 'new input → rerun');
    const rec = await new Subject(out).stage('ingest');
    assert.equal(rec?.options && (rec.options as { maxSide: number }).maxSide, 100);
    // No temp files are left behind by atomic writes.
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
  } finally {
    await t.cleanup();
  }
});
