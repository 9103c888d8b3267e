/**
 * Training after interruptions (issue 22): checkpoints by iterations (a short run resumes), the log holds
 * each iteration once across restarts, the photo PSNR before training survives a resume, and Ctrl-C
 * saves a checkpoint and stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBodyModel } from '../../src/body/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { trainConfig } from '../../src/train/config.js';
import { trainAvatar, truncateLog } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { InterruptedError } from '../../src/core/cancel.js';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { syntheticFrames, stripedTexture } from './fixture.js';
import { tempDir } from '../helpers.js';

const frames = syntheticFrames(3);
const template = () => buildGaussianTemplate(loadBodyModel(), { shape: [], levels: 0, texture: stripedTexture() });
const logIterations = (path: string): number[] =>
  readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { it: number }).it);

test('a crash mid-run resumes from an iteration checkpoint; the log has each iteration once; PSNR before is kept', async () => {
  const t = await tempDir();
  try {
    const cfg = trainConfig('test');
    const ck = join(t.dir, 'ck.bin');
    const log = join(t.dir, 'log.jsonl');
    // a 12-iteration run checkpoints every 5 iterations (at least 5, or a tenth): it never reaches the 120 s timer
    const crash = new Error('simulated crash');
    await assert.rejects(
      trainAvatar(template(), frames, cfg, {
        iterations: 12, checkpointPath: ck, logPath: log, previewEvery: 7,
        onPreview: () => { throw crash; }, // after iteration 7, like a kill: no final save
      }),
      (err: unknown) => err === crash,
    );
    assert.ok(existsSync(ck), 'an iteration checkpoint exists');
    assert.equal((await loadCheckpoint(ck)).step, 5);
    assert.deepEqual(logIterations(log), [0, 1, 2, 3, 4, 5, 6]);
    const b = await trainAvatar(template(), frames, cfg, { iterations: 12, checkpointPath: ck, logPath: log, resume: true });
    assert.equal(b.iterations, 12);
    assert.deepEqual(logIterations(log), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'each iteration once');
    assert.ok(Number.isFinite(b.photoPsnrBefore), `photo PSNR before after a resume: ${b.photoPsnrBefore}`);
    const fresh = await trainAvatar(template(), frames, cfg, { iterations: 1 });
    assert.ok(Math.abs(fresh.photoPsnrBefore - b.photoPsnrBefore) < 1e-9, 'the same figure as a fresh run measures');
    // a fresh run (no resume) starts the log afresh
    await trainAvatar(template(), frames, cfg, { iterations: 2, logPath: log });
    assert.deepEqual(logIterations(log), [0, 1]);
  } finally {
    await t.cleanup();
  }
});

test('Ctrl-C during training saves a checkpoint at the current iteration and stops with exit code 130', async () => {
  const t = await tempDir();
  try {
    const cfg = trainConfig('test');
    const ck = join(t.dir, 'ck.bin');
    const ctl = new AbortController();
    await assert.rejects(
      trainAvatar(template(), frames, cfg, {
        iterations: 40, checkpointPath: ck, checkpointIterations: 1000, signal: ctl.signal, previewEvery: 3,
        onPreview: () => ctl.abort(), // Ctrl-C arrives during iteration 3
      }),
      (err: unknown) => err instanceof InterruptedError && err.exitCode === 130,
    );
    assert.equal((await loadCheckpoint(ck)).step, 3);
  } finally {
    await t.cleanup();
  }
});

test('truncateLog keeps the iterations before the checkpoint, up to a line cut short by a crash', async () => {
  const t = await tempDir();
  try {
    const log = join(t.dir, 'train', 'log.jsonl');
    await writeFileAtomic(log, '{"it":0}\n{"it":1}\n{"it":2}\n{"it":3}\n{"it":1}\n{"it":4,"tot');
    await truncateLog(log, 3);
    assert.deepEqual(logIterations(log), [0, 1, 2]);
    await truncateLog(log, 0);
    assert.equal(readFileSync(log, 'utf8'), '');
  } finally {
    await t.cleanup();
  }
});
