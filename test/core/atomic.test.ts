import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../../src/core/atomic.js';
import { tempDir } from '../helpers.js';

test('writeFileAtomic replaces the file and leaves no temp file', async () => {
  const t = await tempDir();
  try {
    const p = join(t.dir, 'a/b/file.txt');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, 'two');
    assert.equal(readFileSync(p, 'utf8'), 'two');
    assert.deepEqual(readdirSync(join(t.dir, 'a/b')), ['file.txt']);
  } finally {
    await t.cleanup();
  }
});

test('writeDirAtomic leaves the old folder untouched when the build fails', async () => {
  const t = await tempDir();
  try {
    const d = join(t.dir, 'avatar');
    await writeDirAtomic(d, async (tmp) => writeFile(join(tmp, 'x.json'), '1'));
    await assert.rejects(
      writeDirAtomic(d, async (tmp) => {
        await writeFile(join(tmp, 'x.json'), '2');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(readFileSync(join(d, 'x.json'), 'utf8'), '1');
    assert.deepEqual(readdirSync(t.dir), ['avatar']);
    assert.equal(existsSync(join(d, 'x.json')), true);
  } finally {
    await t.cleanup();
  }
});
