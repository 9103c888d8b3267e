/**
 * The package as another program gets it: `npm pack` (without rebuilding: `npm test` has just built dist/),
 * the tarball installed into a new project (dependencies from the npm cache when there, else the registry),
 * and the README's library example (examples/library.mjs) run there at `test` quality: create → load →
 * motion → MP4 (with the ffmpeg that came with the install) → PLY and rigged GLB exports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/version.js';
import { samplePhoto } from '../../src/cli/create.js';
import { tempDir } from '../helpers.js';

test('npm pack → install the tarball in a new project → the library example runs at test quality', { timeout: 1_200_000 }, async () => {
  const t = await tempDir('persona-pack-');
  try {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', t.dir], { cwd: packageRoot(), encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const info = (JSON.parse(pack.stdout) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>)[0]!;
    const files = info.files.map((f) => f.path);
    for (const f of ['bin/persona.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/viewer/index.html', 'assets/body/body.bin', 'assets/body/LICENSE-CC0-MakeHuman.md', 'assets/samples/person.png'])
      assert.ok(files.includes(f), `the tarball holds ${f}`);
    const stray = files.filter((f) => /^(src|test|bench|scripts|docs|dist\/test|dist\/bench|dist\/scripts|node_modules)\/|\.map$/.test(f));
    assert.deepEqual(stray, [], 'the tarball carries no sources, tests, benchmarks or source maps');
    assert.ok(info.size < 8e6, `tarball ${(info.size / 1e6).toFixed(1)} MB`);

    const app = join(t.dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'persona-pack-check', private: true, type: 'module' }));
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(t.dir, info.filename)], { cwd: app, encoding: 'utf8', timeout: 600_000 });
    assert.equal(install.status, 0, `npm install failed:\n${install.stderr}`);
    assert.doesNotMatch(install.stderr, /EBADENGINE/, 'no dependency declares an engine this Node does not meet');
    const dts = await readFile(join(app, 'node_modules', 'persona-avatar', 'dist', 'src', 'index.d.ts'), 'utf8');
    for (const name of ['create', 'ingest', 'perceive', 'fit', 'texture', 'generate', 'train', 'loadAvatar', 'loadMotion', 'animateAvatar', 'exportAvatar'])
      assert.match(dts, new RegExp(`export declare function ${name}\\(`), `types declare ${name}`);

    await copyFile(join(packageRoot(), 'examples', 'library.mjs'), join(app, 'library.mjs'));
    const out = join(app, 'out');
    const run = spawnSync(process.execPath, ['library.mjs', samplePhoto(), out, 'test'], { cwd: app, encoding: 'utf8', timeout: 900_000 });
    assert.equal(run.status, 0, `the example failed:\n${run.stderr.slice(-3000)}`);
    assert.match(run.stdout, /wrote .*dance\.mp4/);
    assert.equal((await readFile(join(out, 'dance.mp4'))).subarray(4, 8).toString('latin1'), 'ftyp');
    assert.equal((await readFile(join(out, 'avatar.glb'))).subarray(0, 4).toString('latin1'), 'glTF');
    assert.match((await readFile(join(out, 'avatar.ply'))).subarray(0, 200).toString('latin1'), /^ply\nformat binary_little_endian/);
    // The installed command works too.
    const cli = spawnSync(process.execPath, [join(app, 'node_modules', '.bin', 'persona'), '--version'], { cwd: app, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
  } finally {
    await t.cleanup();
  }
});
