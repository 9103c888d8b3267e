import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage, writePng } from '../../src/core/image.js';
import { PersonaError } from '../../src/core/errors.js';
import { scanFramesDir, evenlySpaced, frameNumber } from '../../src/generate/frames.js';
import { checkGenerateOptions } from '../../src/generate/stage.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'persona-frames-'));
}

test('frames importer rejects a folder with no images, naming the folder', async () => {
  const dir = await tempDir();
  try {
    await mkdir(join(dir, 'empty-clip'));
    await assert.rejects(scanFramesDir(dir), (e: unknown) => e instanceof PersonaError && /no PNG or JPEG frames/.test(e.message) && e.message.includes(dir));
    await assert.rejects(scanFramesDir(join(dir, 'missing')), (e: unknown) => e instanceof PersonaError && /not found/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('frames importer rejects frames of different sizes in one clip, naming both files and sizes', async () => {
  const dir = await tempDir();
  try {
    await mkdir(join(dir, 'dance'));
    await writePng(join(dir, 'dance', '0000.png'), createImage(32, 48, 3));
    await writePng(join(dir, 'dance', '0001.png'), createImage(32, 48, 3));
    await writePng(join(dir, 'dance', '0002.png'), createImage(36, 48, 3));
    await assert.rejects(scanFramesDir(dir), (e: unknown) => e instanceof PersonaError && /differ in size/.test(e.message) && /0000\.png is 32×48/.test(e.message) && /0002\.png is 36×48/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('frames folder scan: one clip per sub-folder (natural order), top-level frames form a clip named after the folder', async () => {
  const dir = await tempDir();
  try {
    await mkdir(join(dir, 'turn around'));
    await mkdir(join(dir, 'punch'));
    for (const n of ['10.png', '2.png', '1.jpg']) await writePng(join(dir, 'turn around', n), createImage(16, 24, 3));
    await writePng(join(dir, 'punch', 'a.png'), createImage(20, 30, 3));
    await writePng(join(dir, 'top.png'), createImage(8, 8, 3));
    const clips = await scanFramesDir(dir);
    assert.deepEqual(clips.map((c) => c.clip).slice(1), ['punch', 'turn-around']);
    assert.equal(clips[0]!.files.length, 1);
    const turn = clips.find((c) => c.clip === 'turn-around')!;
    assert.deepEqual(turn.files.map((f) => f.split('/').pop()), ['1.jpg', '2.png', '10.png']);
    assert.equal(turn.width, 16); assert.equal(turn.height, 24);
    assert.equal(clips.find((c) => c.clip === 'punch')!.width, 20);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('evenlySpaced keeps every frame up to the cap, then spreads the cap evenly', () => {
  assert.deepEqual(evenlySpaced(5, 12), [0, 1, 2, 3, 4]);
  const s = evenlySpaced(300, 12);
  assert.equal(s.length, 12);
  assert.equal(new Set(s).size, 12);
  for (let i = 1; i < s.length; i++) assert.ok(Math.abs(s[i]! - s[i - 1]! - 25) <= 1);
});

test('checkGenerateOptions accepts frames:<dir>, rejects an empty folder name and unknown generators', () => {
  assert.doesNotThrow(() => checkGenerateOptions({ generator: `frames:${tmpdir()}` }));
  assert.throws(() => checkGenerateOptions({ generator: 'frames:/no/such/folder' }), (e: unknown) => e instanceof PersonaError && /no such folder/.test(e.message));
  assert.throws(() => checkGenerateOptions({ generator: 'frames:' }), PersonaError);
  assert.throws(() => checkGenerateOptions({ generator: 'mimic' }), PersonaError);
});

test('frameNumber: a plainly numbered file is its own frame number, any other name its index', () => {
  assert.equal(frameNumber('/x/clip/0042.png', 3), 42);
  assert.equal(frameNumber('7.jpg', 0), 7);
  assert.equal(frameNumber('frame_0042.png', 3), 3);
});
