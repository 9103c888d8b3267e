import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli, tempDir } from '../helpers.js';

test('persona --help lists the commands and --version prints the version', () => {
  const help = runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /ingest/);
  const v = runCli(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('unknown commands and bad flags exit 2 with a one-line error and a hint', () => {
  const r = runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.match(r.stderr, /hint: run `persona --help`/);
  const f = runCli(['ingest', 'x.png', '--out', 'o', '--no-such-flag']);
  assert.equal(f.code, 2);
  assert.match(f.stderr, /unknown option '--no-such-flag'/);
  const n = runCli(['ingest', 'x.png', '--out', 'o', '--max-side', 'abc']);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /--max-side must be a positive integer/);
  const fov = runCli(['fit', 'no-such-subject', '--fov', 'wide']);
  assert.equal(fov.code, 2);
  assert.match(fov.stderr, /--fov must be an angle in degrees between 5 and 170 \(got "wide"\)/);
});

test('persona ingest writes the subject folder, skips a second run, and fails clearly on a corrupt file', async () => {
  const t = await tempDir();
  try {
    const photo = join(t.dir, 'photo.png');
    await writeFile(photo, await sharp({ create: { width: 120, height: 200, channels: 3, background: '#a0b0c0' } }).png().toBuffer());
    const out = join(t.dir, 'subject');
    const first = runCli(['ingest', photo, '--out', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(existsSync(join(out, 'input/image.png')));
    assert.ok(existsSync(join(out, 'manifest.json')));
    const second = runCli(['ingest', photo, '--out', out]);
    assert.equal(second.code, 0);
    assert.match(second.stderr, /skipped/);

    const bad = join(t.dir, 'bad.jpg');
    await writeFile(bad, 'garbage');
    const r = runCli(['ingest', bad, '--out', join(t.dir, 'other')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /persona: .*bad\.jpg is not an image/);
    assert.match(r.stderr, /hint:/);
    assert.equal(existsSync(join(t.dir, 'other')), false);
  } finally {
    await t.cleanup();
  }
});
