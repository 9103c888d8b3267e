import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, truncate, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { decodeGaussianPly } from '../../src/export/ply.js';
import { runCli, tempDir } from '../helpers.js';
import { fixtureAvatar } from './fixture.js';

test('persona export / render / animate on an avatar folder, and clear errors for bad input', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const av = join(dir, 'avatar');
    const avatar = fixtureAvatar();
    await writeAvatarBundle(av, avatar);
    let r = runCli(['export', av, '--pose', 'arms-up', '--out', join(dir, 'a.ply')]);
    assert.equal(r.code, 0, r.stderr);
    const cloud = decodeGaussianPly(new Uint8Array(await readFile(join(dir, 'a.ply'))));
    assert.equal(cloud.count, avatar.header.gaussianCount);
    // the default splat frame is the 3DGS capture frame (Y down); --up y keeps Y up; `--up -y` parses
    const headY = (c: { means: Float32Array; count: number }): number => { let m = 0; for (let i = 0; i < c.count; i++) if (Math.abs(c.means[i * 3 + 1]!) > Math.abs(m)) m = c.means[i * 3 + 1]!; return m; };
    assert.ok(headY(cloud) < -1.5, `default: head at −Y (${headY(cloud)})`);
    r = runCli(['export', av, '--up', 'y', '--out', join(dir, 'up.ply')]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(headY(decodeGaussianPly(new Uint8Array(await readFile(join(dir, 'up.ply'))))) > 1.5, '--up y: head at +Y');
    r = runCli(['export', av, '--up', '-y', '--spz-version', '3', '--out', join(dir, 'a.spz')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...(await readFile(join(dir, 'a.spz'))).subarray(0, 2)], [0x1f, 0x8b]);
    r = runCli(['export', av, '--author', 'Ada', '--out', join(dir, 'a.vrm')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(new TextDecoder().decode((await readFile(join(dir, 'a.vrm'))).subarray(0, 4)), 'glTF');
    r = runCli(['export', av, '--rigged', '--skeleton', 'mixamo', '--rest', 'tpose', '--motion', 'arms-up', '--out', join(dir, 'm.glb')]);
    assert.equal(r.code, 0, r.stderr);
    r = runCli(['export', av, '--skeleton', 'mixamo', '--out', join(dir, 'n.glb')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--skeleton applies to --rigged GLB only/);
    r = runCli(['export', av, '--up', 'z', '--out', join(dir, 'z.ply')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown --up "z"/);
    r = runCli(['export', av, '--spz-version', '5', '--out', join(dir, 'v5.spz')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown --spz-version "5"/);
    r = runCli(['export', av, '--rigged', '--motion', 'wave-does-not-exist', '--out', join(dir, 'r.glb')]);
    assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}`);
    assert.match(r.stderr, /neither a builtin motion nor an existing file/);
    r = runCli(['export', av, '--rigged', '--motion', 'arms-up', '--out', join(dir, 'r.glb')]);
    assert.equal(r.code, 0, r.stderr);
    const doc = await new NodeIO().readBinary(new Uint8Array(await readFile(join(dir, 'r.glb'))));
    assert.equal(doc.getRoot().listAnimations()[0]!.getName(), 'arms-up');
    r = runCli(['export', av, '--out', join(dir, 'a.obj')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot tell the format/);
    r = runCli(['render', av, '--pose', 't-pose', '--views', '2', '--size', '64', '--out', join(dir, 'sheet.png')]);
    assert.equal(r.code, 0, r.stderr);
    r = runCli(['animate', av, '--motion', 'arms-up', '--fps', '10', '--size', '48', '--out', join(dir, 'a.gif')]);
    assert.equal(r.code, 0, r.stderr);
    r = runCli(['animate', av, '--motion', 'arms-up', '--camera', 'drone', '--out', join(dir, 'b.gif')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--camera must be one of front, orbit, follow/);
    // a truncated avatar.bin and a foreign avatar.json
    await truncate(join(av, 'avatar.bin'), 100);
    r = runCli(['animate', av, '--motion', 'arms-up', '--out', join(dir, 'c.gif')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /avatar\.bin is truncated/);
    await writeFile(join(av, 'avatar.json'), '{"format": "something-else"}');
    r = runCli(['export', av, '--out', join(dir, 'd.spz')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a Persona avatar/);
    const left = (await readdir(dir)).sort();
    assert.deepEqual(left, ['a.gif', 'a.ply', 'a.spz', 'a.vrm', 'avatar', 'm.glb', 'r.glb', 'sheet.png', 'up.ply'], 'failed commands leave no files');
  } finally {
    await cleanup();
  }
});
