/**
 * Reliability (issue 22) through the CLI: Ctrl-C honoured by long commands (exit 130, nothing partial),
 * one writer per subject folder while read-only commands still work, no endless mkdir under /proc,
 * and bad flags refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAvatarBundle } from '../../src/avatar/bundle.js';
import { LOCK_FILE } from '../../src/core/lock.js';
import { packageRoot } from '../../src/core/version.js';
import { lockSubject } from '../../src/subject/writer.js';
import { samplePhoto } from '../../src/cli/create.js';
import { fixtureAvatar } from '../export/fixture.js';
import { runCli, tempDir } from '../helpers.js';

interface Running {
  pid: number;
  stderr: () => string;
  /** Resolves when `re` appears on stderr. */
  waitFor: (re: RegExp) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (signal: NodeJS.Signals) => void;
}

/** Starts the CLI without waiting for it. */
function startCli(args: string[]): Running {
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'persona.js'), ...args], { cwd: packageRoot(), env: { ...process.env, FORCE_COLOR: '0' } });
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) if (w.re.test(err)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    pid: child.pid!,
    stderr: () => err,
    waitFor: (re) => new Promise<void>((resolve, reject) => {
      if (re.test(err)) return resolve();
      waiters.push({ re, resolve });
      void exited.then(() => reject(new Error(`exited before ${re}: ${err}`)));
    }),
    exited,
    kill: (s) => child.kill(s),
  };
}

test('Ctrl-C during `persona animate` and `persona render`: exit 130, no output file, no temp left', async () => {
  const t = await tempDir();
  try {
    const avatarDir = join(t.dir, 'avatar');
    await writeAvatarBundle(avatarDir, fixtureAvatar());
    const gif = join(t.dir, 'out', 'dance.gif');
    const a = startCli(['animate', avatarDir, '--motion', 'dance', '--size', '1024', '--out', gif]);
    await a.waitFor(/animate dance: \d+\/\d+/); // rendering has started
    a.kill('SIGINT');
    const ra = await a.exited;
    assert.equal(ra.code, 130, a.stderr());
    assert.match(a.stderr(), /stopped by Ctrl-C/);
    assert.ok(!existsSync(gif), 'no GIF');
    assert.deepEqual(readdirSync(join(t.dir, 'out')), [], 'no temp file');

    const frames = join(t.dir, 'frames') + '/';
    const f = startCli(['animate', avatarDir, '--motion', 'dance', '--size', '768', '--out', frames]);
    await f.waitFor(/animate dance: \d+\/\d+/);
    f.kill('SIGINT');
    assert.equal((await f.exited).code, 130, f.stderr());
    assert.deepEqual(readdirSync(t.dir).sort(), ['avatar', 'out'], 'no frames folder and no .frames.*.tmp');

    const sheet = join(t.dir, 'sheet.png');
    const r = startCli(['render', avatarDir, '--views', '64', '--size', '1024', '--out', sheet]);
    await r.waitFor(/render: \d+\/64/);
    r.kill('SIGINT');
    assert.equal((await r.exited).code, 130, r.stderr());
    assert.ok(!existsSync(sheet));
    assert.deepEqual(readdirSync(t.dir).sort(), ['avatar', 'out']);
  } finally {
    await t.cleanup();
  }
});

test('two concurrent `persona create` on one folder: the second is refused naming the first; Ctrl-C releases the lock', async () => {
  const t = await tempDir();
  try {
    const out = join(t.dir, 'subject');
    const a = startCli(['create', samplePhoto(), '--out', out, '--quality', 'test']);
    await a.waitFor(/\[1\/\d\] ingest/);
    assert.ok(existsSync(join(out, LOCK_FILE)));
    const b = runCli(['create', samplePhoto(), '--out', out, '--quality', 'test']);
    assert.equal(b.code, 1, b.stderr);
    assert.match(b.stderr, new RegExp(`in use by \`persona create\` \\(pid ${a.pid} on `));
    const i = runCli(['ingest', samplePhoto(), '--out', out, '--force']);
    assert.equal(i.code, 1, i.stderr);
    assert.match(i.stderr, /in use by `persona create`/);
    a.kill('SIGINT');
    const ra = await a.exited;
    assert.equal(ra.code, 130, a.stderr());
    assert.ok(!existsSync(join(out, LOCK_FILE)), 'the lock is released on Ctrl-C');
    // the manifest says which stages finished; none is recorded as done by the refused runs
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.format, 'persona-subject');
  } finally {
    await t.cleanup();
  }
});

test('a locked subject: writers are refused, read-only commands (export, render) still work', async () => {
  const t = await tempDir();
  try {
    const subject = join(t.dir, 'subject');
    const lock = await lockSubject(subject, 'persona train', { create: true });
    try {
      await writeAvatarBundle(join(subject, 'avatar'), fixtureAvatar());
      const w = runCli(['ingest', samplePhoto(), '--out', subject]);
      assert.equal(w.code, 1, w.stderr);
      assert.match(w.stderr, new RegExp(`in use by \`persona train\` \\(pid ${process.pid}`));
      assert.ok(!existsSync(join(subject, 'input')), 'nothing written');
      const e = runCli(['export', subject, '--out', join(t.dir, 'a.ply')]);
      assert.equal(e.code, 0, e.stderr);
      assert.ok(existsSync(join(t.dir, 'a.ply')));
    } finally {
      lock!.release();
    }
  } finally {
    await t.cleanup();
  }
});

test('--out under /proc fails at once with a clear message (no endless mkdir); bad --seed is refused', async () => {
  const t = await tempDir();
  try {
    const i = runCli(['ingest', samplePhoto(), '--out', '/proc/persona-test/subject'], { timeoutMs: 60_000 });
    assert.equal(i.code, 1, i.stderr);
    assert.match(i.stderr, /virtual file system/);
    await writeAvatarBundle(join(t.dir, 'avatar'), fixtureAvatar());
    const e = runCli(['export', join(t.dir, 'avatar'), '--out', '/proc/persona-test/a.ply'], { timeoutMs: 60_000 });
    assert.equal(e.code, 1, e.stderr);
    assert.match(e.stderr, /virtual file system/);
    const s = runCli(['train', t.dir, '--seed', 'abc']);
    assert.equal(s.code, 2, s.stderr);
    assert.match(s.stderr, /--seed must be a non-negative integer \(got "abc"\)/);
  } finally {
    await t.cleanup();
  }
});
