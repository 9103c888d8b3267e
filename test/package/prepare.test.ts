import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/version.js';
import { tempDir } from '../helpers.js';

/** Runs scripts/prepare.mjs on a project folder in one of its build-free modes. */
function prepare(root: string, mode: '--check' | '--mark-built'): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'scripts', 'prepare.mjs'), mode, '--root', root], { encoding: 'utf8', env: { ...process.env, PERSONA_FORCE_BUILD: '' } });
  return { status: r.status, out: r.stdout.trim() };
}
const check = (root: string) => prepare(root, '--check');

test('prepare skips the build only when dist/ was built from exactly these sources and is complete', async () => {
  const { dir, cleanup } = await tempDir('persona-prepare-');
  try {
    // a miniature project: sources, a benchmark result (not an input), the build's outputs
    const inputs: Array<[string, string]> = [['package.json', '{"name":"x"}'], ['src/a.ts', 'export const a = 1;\n'], ['test/t.ts', '// t\n'], ['tsconfig.json', '{}']];
    for (const [rel, text] of inputs) { await mkdir(join(dir, rel, '..'), { recursive: true }); await writeFile(join(dir, rel), text); }
    await mkdir(join(dir, 'bench', 'results'), { recursive: true });
    await writeFile(join(dir, 'bench', 'results', 'r.json'), '{}');
    await mkdir(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    await mkdir(join(dir, 'dist', 'viewer'), { recursive: true });
    await writeFile(join(dir, 'dist', 'src', 'cli', 'main.js'), '');
    await writeFile(join(dir, 'dist', 'viewer', 'index.html'), '');

    assert.deepEqual(check(dir), { status: 1, out: 'stale (no fingerprint)' });
    assert.equal(prepare(dir, '--mark-built').status, 0);
    assert.deepEqual(check(dir), { status: 0, out: 'up to date' });
    // a new measurement is not a source
    await writeFile(join(dir, 'bench', 'results', 'r2.json'), '{"x":1}');
    assert.equal(check(dir).status, 0);
    // an edited source, or a missing output, means a build
    await writeFile(join(dir, 'src', 'a.ts'), 'export const a = 2;\n');
    assert.deepEqual(check(dir), { status: 1, out: 'stale (the sources changed)' });
    await writeFile(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    assert.equal(check(dir).status, 0);
    await rm(join(dir, 'dist', 'viewer', 'index.html'));
    assert.deepEqual(check(dir), { status: 1, out: 'stale (a build output is missing)' });
  } finally {
    await cleanup();
  }
});
