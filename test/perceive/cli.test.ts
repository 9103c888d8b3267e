/** The `persona perceive` command as a user runs it (a fresh process). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage, writePng } from '../../src/core/image.js';
import { packageRoot } from '../../src/core/version.js';

function persona(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'persona.js'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('persona perceive: a photo without a person exits 1 with the message and a hint, and a photo needs --out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'persona-perceive-cli-'));
  try {
    const photo = join(dir, 'empty.png');
    await writePng(photo, createImage(320, 480, 3, [0.8, 0.82, 0.85]));
    const r = persona(['perceive', photo, '--out', join(dir, 'subject')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /persona: No person found in the photo\./);
    assert.match(r.stderr, /hint: /);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
    const noOut = persona(['perceive', photo]);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out <dir> is needed/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
