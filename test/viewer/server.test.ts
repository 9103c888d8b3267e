import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { safeJoin, startViewerServer } from '../../src/viewer/server.js';
import { SITE_MARKER, exportViewerSite } from '../../src/viewer/site.js';
import { syntheticAvatar } from '../../src/bench/syntheticAvatar.js';
import { runCli, tempDir } from '../helpers.js';

/** Raw GET (no URL normalisation by a client library), returning status and body. */
function rawGet(port: number, path: string, host = '127.0.0.1', method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('safeJoin keeps paths inside the root', () => {
  assert.equal(safeJoin('/r', '/a/b.js'), '/r/a/b.js');
  for (const bad of ['/../x', '/a/../../x', '/%2e%2e/x', '/a/%2e%2e/%2e%2e/x', '/..%2fx', '/a\\..\\x', '/x%00', '/.hidden', '/%E0%A4%A']) assert.equal(safeJoin('/r', bad), null, bad);
});

test('the server serves the page, the avatar and memory files, and nothing else', async () => {
  const t = await tempDir();
  try {
    const page = join(t.dir, 'page'), av = join(t.dir, 'avatar');
    await mkdir(join(page, 'assets'), { recursive: true });
    await writeFile(join(page, 'index.html'), '<!doctype html><title>v</title>');
    await writeFile(join(page, 'assets', 'a.js'), 'export {}');
    await writeAvatarBundle(av, syntheticAvatar({ gaussians: 100, anchors: 0 }));
    await writeFile(join(t.dir, 'secret.txt'), 'secret');
    await symlink(join(t.dir, 'secret.txt'), join(page, 'link.txt'));
    const s = await startViewerServer({ avatarDir: av, pageDir: page, port: 0, memoryFiles: new Map([['/motions/index.json', '{"motions":[]}']]) });
    try {
      assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal((await rawGet(s.port, '/')).status, 200);
      assert.equal((await rawGet(s.port, '/assets/a.js')).status, 200);
      const json = await rawGet(s.port, '/avatar/avatar.json');
      assert.equal(json.status, 200);
      assert.equal(JSON.parse(json.body).format, 'persona-avatar');
      assert.equal((await rawGet(s.port, '/avatar/avatar.bin')).status, 200);
      assert.equal((await rawGet(s.port, '/motions/index.json')).body, '{"motions":[]}');
      for (const bad of ['/../secret.txt', '/avatar/../../secret.txt', '/avatar/%2e%2e/%2e%2e/secret.txt', '/%2e%2e/secret.txt', '/link.txt', '/avatar/', '/nope.js'])
        assert.equal((await rawGet(s.port, bad)).status, 404, bad);
      assert.equal((await rawGet(s.port, '/', 'evil.example.com')).status, 403, 'DNS-rebinding host refused');
      assert.equal((await rawGet(s.port, '/', '127.0.0.1', 'POST')).status, 405);
      assert.equal((await rawGet(s.port, '/avatar/avatar.json', 'localhost', 'HEAD')).status, 200);
    } finally {
      await s.close();
    }
    await assert.rejects(startViewerServer({ avatarDir: page, pageDir: page, port: 0 }), /No avatar in/);
  } finally {
    await t.cleanup();
  }
});

test('--export-site writes page + avatar + motions, and refuses to replace a foreign folder', async () => {
  const t = await tempDir();
  try {
    const av = join(t.dir, 'subject', 'avatar');
    await writeAvatarBundle(av, syntheticAvatar({ gaussians: 100, anchors: 0 }));
    const site = join(t.dir, 'site');
    const r = await exportViewerSite(join(t.dir, 'subject'), site);
    assert.ok(r.motions.includes('dance'));
    for (const f of ['index.html', 'avatar/avatar.json', 'avatar/avatar.bin', 'motions/index.json', 'motions/dance.json', SITE_MARKER])
      assert.ok(existsSync(join(site, f)), f);
    const html = await readFile(join(site, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /(src|href)="\/(?!\/)/, 'asset URLs are relative');
    // re-export over our own site works; over a foreign folder it does not
    await exportViewerSite(av, site);
    const foreign = join(t.dir, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'keep.txt'), 'x');
    await assert.rejects(exportViewerSite(av, foreign), /not an exported Persona site/);
    assert.ok(existsSync(join(foreign, 'keep.txt')));
    // the CLI: usage errors
    const bad = runCli(['view', av, '--port', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port must be an integer/);
    const none = runCli(['view', t.dir]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No avatar found/);
  } finally {
    await t.cleanup();
  }
});
