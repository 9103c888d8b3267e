/**
 * `persona serve` as a user runs it (a separate process, embedded queue) at `test` quality: upload, live
 * progress over SSE, the server killed during training and started again (the job resumes: finished stages
 * are skipped, no orphaned work process), the avatar files, an export download, cancel, retry and delete.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { samplePhoto } from '../../src/cli/create.js';
import { tempDir } from '../helpers.js';
import { getJob, isAlive, kill, startServeProcess, upload, watchJob } from './helpers.js';
import type { JobRecord } from '../../src/serve/types.js';

const FIELDS = { quality: 'test', motions: 'dance' }; // one motion keeps the run short

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

test('serve: upload → SSE progress → server killed in training → restarted, the job resumes → avatar, export, cancel, retry, delete', { timeout: 600_000 }, async () => {
  const t = await tempDir();
  const data = join(t.dir, 'data');
  let server = await startServeProcess(['--data', data, '--workers', '1']);
  try {
    const up = await upload(server.url, samplePhoto(), FIELDS);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const id = up.body.id!;
    assert.match(id, /^[0-9a-f]{32}$/);
    // The checks ran before queueing: the perception overlay exists already.
    const first = await getJob(server.url, id);
    assert.ok(first.files.includes('perception.png'), `files at upload: ${first.files.join(', ')}`);
    assert.equal(first.options.quality, 'test');

    // Progress events until training starts.
    const seen: JobRecord[] = [];
    await watchJob(server.url, id, (j) => j.stage === 'train', 300_000, (j) => seen.push(j));
    assert.ok(seen.length >= 3, `${seen.length} events before training`);
    assert.ok(seen.some((j) => j.state === 'running'));
    const progress = seen.map((j) => j.progress);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]!), `overall progress never goes back: ${progress.join(' ')}`);
    assert.ok(seen.at(-1)!.stages.find((s) => s.name === 'fit')!.state === 'done');

    // Kill the server (no goodbye) while it trains: its work process must not outlive it.
    const workers = childPids(server.proc.pid!);
    assert.ok(workers.length >= 1, 'the job runs in a child process');
    await kill(server);
    for (let i = 0; i < 50 && workers.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(workers.filter(isAlive), [], 'work processes end with their server');

    server = await startServeProcess(['--data', data, '--workers', '1']);
    const done = await watchJob(server.url, id, (j) => j.state === 'done' || j.state === 'failed', 300_000);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    assert.equal(done.attempts, 2, 'the restarted server ran the job a second time');
    for (const s of ['ingest', 'perceive', 'fit', 'texture', 'generate'])
      assert.equal(done.stages.find((x) => x.name === s)!.state, 'skipped', `${s} was not redone after the restart`);
    assert.equal(done.stages.find((x) => x.name === 'train')!.state, 'done');
    assert.ok(done.files.includes('training.png') && done.files.includes('turntable.png'));

    // The avatar files and an export download.
    const json = await fetch(new URL(`api/jobs/${id}/avatar/avatar.json`, server.url));
    assert.equal(json.status, 200, `avatar.json: ${JSON.stringify(await json.clone().json())} ${JSON.stringify(await getJob(server.url, id))}`);
    assert.ok(((await json.json()) as { gaussianCount: number }).gaussianCount > 1000);
    const bin = await fetch(new URL(`api/jobs/${id}/avatar/avatar.bin`, server.url));
    assert.ok((await bin.arrayBuffer()).byteLength > 10_000);
    const glb = await fetch(new URL(`api/jobs/${id}/export?format=glb`, server.url));
    assert.equal(glb.status, 200);
    assert.match(glb.headers.get('content-disposition') ?? '', /attachment; filename="avatar-[0-9a-f]{8}\.glb"/);
    assert.equal(Buffer.from(await glb.arrayBuffer()).subarray(0, 4).toString('latin1'), 'glTF');
    const unknown = await fetch(new URL(`api/jobs/${id}/export?format=xyz`, server.url));
    assert.equal(unknown.status, 400);
    const viewer = await fetch(new URL(`jobs/${id}/view/`, server.url));
    assert.equal(viewer.status, 200);
    assert.equal((await fetch(new URL(`jobs/${id}/view/motions/index.json`, server.url))).status, 200);
    assert.equal((await fetch(new URL(`api/jobs/${id}/retry`, server.url), { method: 'POST' })).status, 409, 'a finished job is not retried');

    // Cancel a running job, retry it, delete it while it runs again.
    const second = await upload(server.url, samplePhoto(), FIELDS);
    assert.equal(second.status, 201);
    const id2 = second.body.id!;
    await watchJob(server.url, id2, (j) => j.state === 'running', 120_000);
    assert.equal((await fetch(new URL(`api/jobs/${id2}/cancel`, server.url), { method: 'POST' })).status, 202);
    const cancelled = await watchJob(server.url, id2, (j) => j.state === 'cancelled', 60_000);
    assert.ok(cancelled.finishedAt);
    assert.equal((await fetch(new URL(`api/jobs/${id2}/retry`, server.url), { method: 'POST' })).status, 202);
    const again = await watchJob(server.url, id2, (j) => j.state === 'running', 120_000);
    assert.equal(again.attempts, 2);
    const before = childPids(server.proc.pid!);
    const del = await fetch(new URL(`api/jobs/${id2}`, server.url), { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal((await fetch(new URL(`api/jobs/${id2}`, server.url))).status, 404);
    assert.equal(existsSync(join(data, 'jobs', id2)), false, 'the job folder is gone');
    const list = (await (await fetch(new URL('api/jobs', server.url))).json()) as { jobs: JobRecord[] };
    assert.deepEqual(list.jobs.map((j) => j.id), [id]);
    for (let i = 0; i < 50 && before.filter((p) => !childPids(server.proc.pid!).includes(p)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(childPids(server.proc.pid!).length < before.length, 'the deleted job\'s process was ended');
  } finally {
    await kill(server, 'SIGTERM');
    await t.cleanup();
  }
});
