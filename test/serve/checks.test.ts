/**
 * What `persona serve` refuses, before any job is queued: damaged files, non-photos, photos too small, no
 * person, several people, oversized uploads, bad options; and what no request can reach: paths outside a
 * job's fixed files, unknown ids, foreign Host headers, a non-loopback bind without a token.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'node:http';
import { samplePhoto } from '../../src/cli/create.js';
import { EmbeddedQueue, JobEvents, JobStore, startServeServer } from '../../src/serve/index.js';
import { parseMultipart, sniffPhotoType } from '../../src/serve/upload.js';
import { PersonaError } from '../../src/core/errors.js';
import { tempDir } from '../helpers.js';
import { upload } from './helpers.js';

test('multipart parsing and type sniffing', () => {
  const body = Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="quality"\r\n\r\ntest\r\n--XyZ\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n..\r\n--XyZ--\r\n', 'latin1');
  const parts = parseMultipart(body, 'multipart/form-data; boundary=XyZ');
  assert.deepEqual(parts.map((p) => [p.name, p.filename]), [['quality', undefined], ['photo', 'a.png']]);
  assert.equal(parts[0]!.data.toString(), 'test');
  assert.equal(sniffPhotoType(parts[1]!.data), 'png');
  assert.equal(sniffPhotoType(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
  assert.equal(sniffPhotoType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'webp');
  assert.equal(sniffPhotoType(Buffer.from('GIF89a')), undefined);
  assert.throws(() => parseMultipart(Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'), 'multipart/form-data; boundary=XyZ'), /truncated/);
});

/** A raw GET with a chosen Host header (fetch does not let tests set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    request({ host: u.hostname, port: u.port, path: u.pathname, headers: { host } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject).end();
  });
}

test('serve refuses bad photos before queueing and guards every path', { timeout: 300_000 }, async () => {
  const t = await tempDir();
  const store = new JobStore(join(t.dir, 'data'));
  await store.init();
  const events = new JobEvents();
  const queued: string[] = [];
  const queue = new EmbeddedQueue(store, events, 1);
  queue.enqueue = async (id) => void queued.push(id); // this test checks what reaches the queue, not running jobs
  await assert.rejects(startServeServer({ dataDir: store.dataDir, store, events, queue, port: 0, host: '0.0.0.0' }), (e: unknown) => e instanceof PersonaError && /--token is required/.test(e.message));
  const server = await startServeServer({ dataDir: store.dataDir, store, events, queue, port: 0, maxUploadBytes: 1024 * 1024 });
  const base = server.url;
  try {
    const sample = await readFile(samplePhoto());
    const refusals: Array<[string, { name: string; bytes: Uint8Array }, Record<string, string>, number, RegExp]> = [
      ['not an image', { name: 'notes.jpg', bytes: Buffer.from('hello, not a photo') }, {}, 415, /notes\.jpg is not a JPEG, PNG or WebP photo/],
      ['a GIF', { name: 'a.gif', bytes: await sharp({ create: { width: 200, height: 300, channels: 3, background: '#888' } }).gif().toBuffer() }, {}, 415, /not a JPEG, PNG or WebP/],
      ['truncated PNG', { name: 'cut.png', bytes: sample.subarray(0, Math.floor(sample.length / 3)) }, {}, 422, /cut\.png is damaged/],
      ['too small', { name: 'tiny.png', bytes: await sharp({ create: { width: 40, height: 60, channels: 3, background: '#888' } }).png().toBuffer() }, {}, 422, /tiny\.png is too small \(40×60 px\)/],
      ['too large', { name: 'big.png', bytes: new Uint8Array(1024 * 1024 + 10) }, {}, 413, /larger than 1 MB/],
      ['bad quality', { name: 'p.png', bytes: sample }, { quality: 'ultra' }, 400, /Unknown quality "ultra"/],
      ['bad motion', { name: 'p.png', bytes: sample }, { motions: 'dance,moonwalk' }, 400, /unknown motion "moonwalk"/],
      ['no person', { name: 'wall.png', bytes: await sharp({ create: { width: 256, height: 384, channels: 3, background: '#c8c0b0' } }).png().toBuffer() }, {}, 422, /No person found in the photo/],
    ];
    // Two people side by side.
    const meta = await sharp(sample).metadata();
    const two = await sharp({ create: { width: meta.width! * 2, height: meta.height!, channels: 3, background: '#ffffff' } })
      .composite([{ input: sample, left: 0, top: 0 }, { input: sample, left: meta.width!, top: 0 }]).png().toBuffer();
    refusals.push(['two people', { name: 'two.png', bytes: two }, {}, 422, /2 people were found in the photo/]);
    for (const [what, photo, fields, status, message] of refusals) {
      const r = await upload(base, photo, fields);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error ?? '', message, what);
      assert.ok(r.body.hint, `${what} has a hint`);
      assert.ok(!(r.body.error ?? '').includes(t.dir), `${what}: no server path in the message`);
    }
    assert.deepEqual(queued, [], 'nothing was queued');
    assert.deepEqual(await readdir(store.root), [], 'no job folder remains');
    // With a person chosen, the two-person photo is accepted.
    const chosen = await upload(base, { name: 'two.png', bytes: two }, { person: '0', quality: 'test' });
    assert.equal(chosen.status, 201, JSON.stringify(chosen.body));
    assert.deepEqual(queued, [chosen.body.id]);
    const id = chosen.body.id!;

    // Paths: only fixed names under a checked id.
    const status = async (path: string, init?: RequestInit): Promise<number> => (await fetch(base + path, init)).status;
    assert.equal(await status(`api/jobs/${id}`), 200);
    assert.equal(await status(`api/jobs/${id}/files/perception.png`), 200);
    for (const path of [
      `api/jobs/${id}/files/job.json`, `api/jobs/${id}/files/..%2Fjob.json`, `api/jobs/${id}/files/%2e%2e%2fjob.json`, 'api/jobs/..%2F..%2Fpackage.json',
      `api/jobs/${id.replace(/.$/, 'g')}`, `api/jobs/${'0'.repeat(32)}`, `jobs/${id}/view/`, `jobs/${id}/view/..%2F..%2Fjobs`, 'jobs/x/view/%2e%2e/%2e%2e/package.json',
      '..%2Fpackage.json', 'data/jobs', `jobs/${id}/job.json`, 'app.js/../../package.json',
    ])
      assert.ok([404, 405].includes(await status(path)), `${path} is not served`);
    assert.equal(await status(`api/jobs/${id}/avatar/avatar.json`), 409, 'no avatar before the job is done');
    assert.equal(await status(`api/jobs/${id}/export?format=glb`), 409);
    assert.equal(await status('api/jobs', { method: 'PUT' }), 405);
    assert.equal(await getWithHost(base, 'evil.example:80'), 403, 'DNS-rebinding guard on loopback');
    assert.equal(await status(''), 200, 'the page');
    const info = (await (await fetch(base + 'api/info')).json()) as { formats: string[]; qualities: string[] };
    for (const f of ['glb', 'ply', 'spz', 'gif', 'mp4']) assert.ok(info.formats.includes(f), `export format ${f} offered`);
  } finally {
    await server.close();
    await t.cleanup();
  }
});

test('serve with a token refuses requests without it', async () => {
  const t = await tempDir();
  const store = new JobStore(join(t.dir, 'data'));
  await store.init();
  const events = new JobEvents();
  const server = await startServeServer({ dataDir: store.dataDir, store, events, queue: new EmbeddedQueue(store, events, 1), port: 0, token: 's3cret-token' });
  try {
    assert.equal((await fetch(server.url + 'api/jobs')).status, 401);
    assert.equal((await fetch(server.url + 'api/jobs', { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(server.url + 'api/jobs', { headers: { authorization: 'Bearer s3cret-token' } })).status, 200);
    const page = await fetch(server.url + '?token=s3cret-token');
    assert.equal(page.status, 200);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    assert.equal((await fetch(server.url + 'api/jobs', { headers: { cookie } })).status, 200, 'the page keeps the token in a cookie');
  } finally {
    await server.close();
    await t.cleanup();
  }
});
