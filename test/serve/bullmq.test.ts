/**
 * Scale-out on a real Redis: the test starts Debian's redis-server on a free loopback port (no persistence),
 * a `persona serve --queue` server (in this process) and two `persona worker` processes sharing one data
 * folder. Four jobs at `test` quality: all finish, both workers finish jobs, progress reaches the server's
 * SSE stream through BullMQ, and a worker killed in the middle of a job leaves it to the other worker, which
 * resumes it from the subject folder. Without redis-server the test is skipped and says so loudly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { samplePhoto } from '../../src/cli/create.js';
import { BullQueue, JobEvents, JobStore, startServeServer } from '../../src/serve/index.js';
import type { JobRecord } from '../../src/serve/types.js';
import { tempDir } from '../helpers.js';
import { getJob, kill, startCli, upload, waitForLine, watchJob, type CliProcess } from './helpers.js';

const REDIS = process.env.PERSONA_REDIS_SERVER ?? 'redis-server';

function redisAvailable(): boolean {
  return spawnSync(REDIS, ['--version'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  for (let i = 0; i < 100; i++) {
    if (/Ready to accept connections/.test(out)) return proc;
    if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server did not start: ${out}`);
}

test('BullMQ: two persona workers share four jobs; a worker killed mid-job leaves it to the other', { timeout: 900_000 }, async (t) => {
  if (!redisAvailable()) {
    const why = `redis-server is not installed: the BullMQ scale-out test did NOT run (install it: apt-get install -y redis-server; .ci/run does)`;
    process.stderr.write(`\n*** SKIPPED: ${why} ***\n\n`);
    t.skip(why);
    return;
  }
  const tmp = await tempDir();
  const port = await freePort();
  const redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const data = join(tmp.dir, 'data');
  const workers: Record<string, CliProcess> = {};
  const store = new JobStore(data);
  await store.init();
  const events = new JobEvents();
  const queue = new BullQueue(url, store, events);
  let server: Awaited<ReturnType<typeof startServeServer>> | undefined;
  try {
    await queue.start();
    server = await startServeServer({ dataDir: data, store, events, queue, port: 0 });
    for (const name of ['A', 'B']) {
      // A 3 s lock: a dead worker's job is back in the queue a few seconds later (BullMQ's default is 30 s).
      workers[name] = startCli(['worker', '--queue', url, '--data', data, '--concurrency', '1', '--name', name, '--lock-ms', '3000']);
      await waitForLine(workers[name]!, /waiting for jobs/, 120_000);
    }
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await upload(server.url, samplePhoto(), { quality: 'test', motions: 'dance', seed: String(i) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id!);
    }
    // Progress reaches the server's SSE stream from the worker (BullMQ job progress).
    const seen: JobRecord[] = [];
    // The last job waits for a free worker, so its stream shows it start and move through stages.
    await watchJob(server.url, ids[3]!, (j) => (j.state === 'running' && j.stage !== null && j.stage !== 'ingest') || j.state === 'done', 600_000, (j) => seen.push(j));
    assert.ok(seen.some((j) => j.state === 'running' && ['A', 'B'].includes(j.worker ?? '') && j.stage !== null), `running events name their worker and stage: ${seen.map((j) => `${j.state}/${j.stage}/${j.worker}`).join(' ')}`);

    // Kill worker A once it has finished a job and is in the middle of another.
    let victim: string | undefined;
    for (let i = 0; i < 3000 && !victim; i++) {
      const jobs = await Promise.all(ids.map((id) => getJob(server!.url, id)));
      if (jobs.some((j) => j.state === 'done' && j.worker === 'A')) victim = jobs.find((j) => j.state === 'running' && j.worker === 'A' && (j.stage === 'fit' || j.stage === 'texture' || j.stage === 'generate' || j.stage === 'train'))?.id;
      if (jobs.every((j) => j.state === 'done')) break;
      if (!victim) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(victim, 'worker A finished a job and started another');
    const before = await getJob(server.url, victim);
    await kill(workers.A!);

    const finals = await Promise.all(ids.map((id) => watchJob(server!.url, id, (j) => j.state === 'done' || j.state === 'failed', 600_000)));
    for (const j of finals) assert.equal(j.state, 'done', `${j.id}: ${JSON.stringify(j.error)}`);
    const moved = finals.find((j) => j.id === victim)!;
    assert.equal(moved.worker, 'B', 'the killed worker\'s job finished on the other worker');
    assert.ok(moved.attempts >= 2, `attempts ${moved.attempts}`);
    const stagesDoneBefore = before.stages.filter((s) => s.state === 'done' || s.state === 'skipped').map((s) => s.name);
    for (const s of stagesDoneBefore) assert.equal(moved.stages.find((x) => x.name === s)!.state, 'skipped', `${s}, finished on A, was not redone on B`);
    const byWorker = new Set(finals.map((j) => j.worker));
    assert.deepEqual([...byWorker].sort(), ['A', 'B'], 'both workers finished jobs');
    for (const id of ids) assert.equal((await fetch(new URL(`api/jobs/${id}/avatar/avatar.json`, server.url))).status, 200);
  } finally {
    for (const w of Object.values(workers)) await kill(w, 'SIGTERM').catch(() => undefined);
    await server?.close();
    redis.kill('SIGKILL');
    await tmp.cleanup();
  }
});
