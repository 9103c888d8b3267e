/**
 * Reliability (issue 22), in process: the folder lock, the subject-folder guard, mkdir that always ends,
 * stale temp clean-up, cancellation, and file-system failures as PersonaErrors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors.js';
import { acquireFolderLock, LOCK_FILE } from '../../src/core/lock.js';
import { ensureDir, removeStaleTemps, writeFileAtomic, writeDirAtomic } from '../../src/core/atomic.js';
import { InterruptedError, resetInterruptForTests, yieldToSignals } from '../../src/core/cancel.js';
import { checkSubjectFolder, lockSubject } from '../../src/subject/writer.js';
import { ingest } from '../../src/ingest/ingest.js';
import { create } from '../../src/pipeline/create.js';
import { samplePhoto } from '../../src/cli/create.js';
import { animateAvatar, turntable } from '../../src/animate/animate.js';
import { bindMotion, outputFrameCount } from '../../src/animate/poses.js';
import { restPose } from '../../src/export/cloud.js';
import { fixtureAvatar } from '../export/fixture.js';
import { tempDir } from '../helpers.js';

/** A pid that is not running (pid_max is far below it on Linux). */
const DEAD_PID = 2 ** 30;

const personaError = (re: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${(err as Error)?.stack ?? String(err)}`);
  assert.match(err.message, re);
  return true;
};

test('lock: a second writer is refused with a message naming the first; release frees the folder', async () => {
  const t = await tempDir();
  try {
    const first = acquireFolderLock(t.dir, 'persona create A');
    const owner = JSON.parse(readFileSync(join(t.dir, LOCK_FILE), 'utf8'));
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, hostname());
    assert.equal(owner.command, 'persona create A');
    assert.ok(!Number.isNaN(Date.parse(owner.startedAt)));
    assert.throws(() => acquireFolderLock(t.dir, 'persona create B'), personaError(new RegExp(`in use by \`persona create A\` \\(pid ${process.pid} on `)));
    // many racing takers: exactly one wins (O_EXCL)
    first.release();
    assert.ok(!existsSync(join(t.dir, LOCK_FILE)));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => Promise.resolve().then(() => acquireFolderLock(t.dir, `taker ${i}`))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'fulfilled') r.value.release();
  } finally {
    await t.cleanup();
  }
});

test('lock: a stale lock (dead pid on this host) is taken over; one from another host is not', async () => {
  const t = await tempDir();
  try {
    const path = join(t.dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: hostname(), command: 'persona create', startedAt: new Date(0).toISOString() }));
    const lock = acquireFolderLock(t.dir, 'persona ingest');
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    lock.release();
    writeFileSync(path, JSON.stringify({ pid: DEAD_PID, host: 'another-machine', command: 'persona train', startedAt: new Date(0).toISOString() }));
    assert.throws(() => acquireFolderLock(t.dir, 'persona ingest'), (err: unknown) => {
      assert.ok(err instanceof PersonaError);
      assert.match(err.message, /persona train.*another-machine/);
      assert.match(err.hint ?? '', /delete/);
      return true;
    });
    writeFileSync(path, 'garbage');
    assert.throws(() => acquireFolderLock(t.dir, 'persona ingest'), personaError(/locked by another Persona run/));
  } finally {
    await t.cleanup();
  }
});

test('lock: two concurrent creates on one folder cannot both write (in process)', async () => {
  const t = await tempDir();
  try {
    const out = join(t.dir, 'subject');
    // the first writer holds the folder (as a running `persona create` would) …
    const held = await lockSubject(out, 'persona create', { create: true });
    assert.ok(held);
    // … so a second create and a second ingest are refused before writing anything
    await assert.rejects(create(samplePhoto(), out, { quality: 'test', noPreview: true }), personaError(/in use by `persona create`/));
    const before = readdirSync(out).sort();
    assert.deepEqual(before, ['.persona.lock', 'manifest.json']);
    held!.release();
    assert.deepEqual(readdirSync(out), ['manifest.json']);
  } finally {
    await t.cleanup();
  }
});

test('--out guard: a non-empty folder without our manifest is refused, listing what is there; nothing is written', async () => {
  const t = await tempDir();
  try {
    const out = join(t.dir, 'mine');
    mkdirSync(join(out, 'input'), { recursive: true });
    mkdirSync(join(out, 'avatar'));
    writeFileSync(join(out, 'input', 'image.png'), 'my own photo');
    writeFileSync(join(out, 'avatar', 'avatar.json'), '{"mine": true}');
    await assert.rejects(checkSubjectFolder(out), personaError(/not empty and is not a Persona subject folder \(it holds: avatar, input\)/));
    await assert.rejects(ingest(samplePhoto(), out), personaError(/it holds: avatar, input/));
    await assert.rejects(create(samplePhoto(), out, { quality: 'test', noPreview: true }), personaError(/it holds: avatar, input/));
    assert.equal(readFileSync(join(out, 'input', 'image.png'), 'utf8'), 'my own photo');
    assert.equal(readFileSync(join(out, 'avatar', 'avatar.json'), 'utf8'), '{"mine": true}');
    assert.deepEqual(readdirSync(out).sort(), ['avatar', 'input']);
    // many entries: a few are named, and the count
    const many = join(t.dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 9; i++) writeFileSync(join(many, `f${i}.txt`), '');
    await assert.rejects(checkSubjectFolder(many), personaError(/f0\.txt, f1\.txt, f2\.txt, f3\.txt, f4\.txt, … \(9 entries\)/));
    // absent, empty and Persona subjects are fine; a foreign manifest and a file are not
    await checkSubjectFolder(join(t.dir, 'absent'));
    mkdirSync(join(t.dir, 'empty'));
    await checkSubjectFolder(join(t.dir, 'empty'));
    const subj = join(t.dir, 'subj');
    mkdirSync(subj);
    writeFileSync(join(subj, 'manifest.json'), JSON.stringify({ format: 'persona-subject', formatVersion: 1, stages: {} }));
    writeFileSync(join(subj, 'notes.txt'), '');
    await checkSubjectFolder(subj);
    writeFileSync(join(subj, 'manifest.json'), JSON.stringify({ format: 'something-else' }));
    await assert.rejects(checkSubjectFolder(subj), personaError(/not a Persona subject manifest/));
    await assert.rejects(checkSubjectFolder(join(many, 'f0.txt')), personaError(/is a file, not a subject folder/));
  } finally {
    await t.cleanup();
  }
});

test('ensureDir: /proc, a path under a file and a dangling symlink give clear errors (no endless mkdir)', async () => {
  const t = await tempDir();
  try {
    await assert.rejects(ensureDir('/proc/persona-test/a/b'), personaError(/virtual file system/));
    await assert.rejects(ensureDir('/sys/persona-test'), personaError(/virtual file system/));
    writeFileSync(join(t.dir, 'file'), '');
    await assert.rejects(ensureDir(join(t.dir, 'file', 'sub', 'dir')), personaError(/is a file, not a folder/));
    symlinkSync(join(t.dir, 'missing-target'), join(t.dir, 'dangling'));
    await assert.rejects(ensureDir(join(t.dir, 'dangling', 'out')), personaError(/symbolic link to a missing target/));
    await assert.rejects(writeFileAtomic(join(t.dir, 'dangling', 'x.ply'), 'x'), personaError(/symbolic link to a missing target/));
    await ensureDir(join(t.dir, 'a', 'b', 'c'));
    await ensureDir(join(t.dir, 'a', 'b', 'c'));
    assert.ok(existsSync(join(t.dir, 'a', 'b', 'c')));
    // ingest into a path under a file: a PersonaError, not "unexpected error"
    await assert.rejects(ingest(samplePhoto(), join(t.dir, 'file', 'subject')), personaError(/Cannot use the subject folder .*file.*: a part of the path is a file/));
  } finally {
    await t.cleanup();
  }
});

test('stale temp folders of killed runs are removed on the next run; live ones are kept', async () => {
  const t = await tempDir();
  try {
    const stale = join(t.dir, `.frames.${DEAD_PID}.0123abcd.tmp`);
    const live = join(t.dir, `.frames.${process.pid}.89abcdef.tmp`);
    const other = join(t.dir, `.other.${DEAD_PID}.0123abcd.tmp`);
    for (const d of [stale, live, other]) mkdirSync(d);
    writeFileSync(join(stale, 'frame_00000.png'), 'partial');
    const removed = await removeStaleTemps(join(t.dir, 'frames'));
    assert.deepEqual(removed, [stale]);
    assert.ok(!existsSync(stale) && existsSync(live) && existsSync(other));
    // writeDirAtomic cleans its own target's stale temps
    const staleAvatar = join(t.dir, `.avatar.${DEAD_PID}.00000000.tmp`);
    mkdirSync(staleAvatar);
    await writeDirAtomic(join(t.dir, 'avatar'), async (tmp) => writeFileSync(join(tmp, 'a.json'), '{}'));
    assert.ok(!existsSync(staleAvatar));
  } finally {
    await t.cleanup();
  }
});

test('cancellation: an aborted signal stops a render between views and an atomic write before its rename', async () => {
  const t = await tempDir();
  const ctl = resetInterruptForTests();
  try {
    await yieldToSignals(); // not aborted: returns
    const avatar = fixtureAvatar();
    const signal = new AbortController();
    const sheet = turntable(avatar, restPose(avatar), { views: 8, size: 32, signal: signal.signal });
    signal.abort();
    await assert.rejects(sheet, (err: unknown) => err instanceof InterruptedError && err.exitCode === 130);
    ctl.abort();
    const p = join(t.dir, 'out.png');
    await assert.rejects(writeFileAtomic(p, 'data'), (err: unknown) => err instanceof InterruptedError);
    assert.deepEqual(readdirSync(t.dir), [], 'no output and no temp file');
    await writeFileAtomic(p, 'checkpoint', { evenIfInterrupted: true });
    assert.equal(readFileSync(p, 'utf8'), 'checkpoint');
  } finally {
    resetInterruptForTests();
    await t.cleanup();
  }
});

test('animate refuses a motion that would make more frames than the cap, before rendering', async () => {
  const avatar = fixtureAvatar();
  const F = 1000; // 999 s at 1 fps: valid as a motion, but 29,971 frames at 30 fps
  const rotations = new Float32Array(F * 4);
  for (let f = 0; f < F; f++) rotations[f * 4] = 1;
  const motion = { name: 'slow', fps: 1, frameCount: F, jointNames: ['pelvis'], rotations, rootTranslation: new Float32Array(F * 3) };
  const bound = bindMotion(motion, avatar);
  assert.throws(() => outputFrameCount(bound, 30), personaError(/would make 29971 frames at 30 fps, more than the 18000/));
  assert.equal(outputFrameCount(bound, 10), 9991);
  const t = await tempDir();
  try {
    await assert.rejects(animateAvatar(avatar, motion, { out: join(t.dir, 'a.gif'), size: 32, fps: 30 }), personaError(/more than the 18000/));
    assert.deepEqual(readdirSync(t.dir), []);
  } finally {
    await t.cleanup();
  }
});
