/**
 * Which ffmpeg runs: PERSONA_FFMPEG, then PATH, then the npm-installed static build. Each case changes
 * this process's PATH/PERSONA_FFMPEG and restores them (node's test runner runs files in separate processes).
 */
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FFMPEG_ENV, findFfmpeg, requireFfmpeg, resetFfmpegForTests } from '../../src/core/ffmpeg.js';
import { PersonaError } from '../../src/core/errors.js';
import { tempDir } from '../helpers.js';

const saved = { path: process.env.PATH, env: process.env[FFMPEG_ENV] };
afterEach(() => {
  process.env.PATH = saved.path;
  if (saved.env === undefined) delete process.env[FFMPEG_ENV];
  else process.env[FFMPEG_ENV] = saved.env;
  resetFfmpegForTests();
});

/** A folder holding a fake `ffmpeg` script that answers -version. */
async function fakeFfmpeg(dir: string): Promise<string> {
  const file = join(dir, 'ffmpeg');
  await writeFile(file, '#!/bin/sh\necho "ffmpeg version fake"\n');
  await chmod(file, 0o755);
  return file;
}

test('without PATH or PERSONA_FFMPEG, the npm-installed ffmpeg is found and runs', () => {
  delete process.env[FFMPEG_ENV];
  process.env.PATH = '/nonexistent';
  resetFfmpegForTests();
  const f = findFfmpeg();
  assert.ok(f, 'npm install brings @ffmpeg-installer/ffmpeg');
  assert.equal(f.source, 'npm');
  assert.match(f.command, /node_modules\/@ffmpeg-installer\//);
});

test('ffmpeg on PATH wins over the npm one; PERSONA_FFMPEG wins over both', async () => {
  const t = await tempDir();
  try {
    const fake = await fakeFfmpeg(t.dir);
    delete process.env[FFMPEG_ENV];
    process.env.PATH = t.dir;
    resetFfmpegForTests();
    assert.deepEqual(findFfmpeg(), { command: 'ffmpeg', source: 'path' });
    process.env[FFMPEG_ENV] = fake;
    process.env.PATH = '/nonexistent';
    resetFfmpegForTests();
    assert.deepEqual(findFfmpeg(), { command: fake, source: 'env' });
  } finally { await t.cleanup(); }
});

test('a PERSONA_FFMPEG that does not run is an error, not silently replaced', () => {
  process.env[FFMPEG_ENV] = '/nonexistent/ffmpeg';
  resetFfmpegForTests();
  assert.throws(() => requireFfmpeg('Writing MP4'), (e: unknown) => e instanceof PersonaError && /PERSONA_FFMPEG=\/nonexistent\/ffmpeg does not run/.test(e.message));
});
