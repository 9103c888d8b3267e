import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { NodeIO } from '@gltf-transform/core';
import { create } from '../../src/pipeline/create.js';
import { samplePhoto } from '../../src/cli/create.js';
import { loadAvatar } from '../../src/avatar/bundle.js';
import { hasExpression } from '../../src/avatar/expression.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { PersonaError } from '../../src/core/errors.js';
import { runCli, tempDir } from '../helpers.js';

test('persona create runs the whole pipeline at test quality and every artifact exists and loads', async () => {
  const t = await tempDir();
  try {
    const out = join(t.dir, 'subject');
    const s = await create(samplePhoto(), out, { quality: 'test' });
    for (const f of [
      'input/image.png', 'perception/keypoints.json', 'perception/mask.png', 'perception/overlay.png', 'fit/body.json', 'fit/overlay.png',
      'shape/proxy.json', 'shape/proxy.bin', 'shape/overlay.png', 'shape/proxy.glb', 'texture/proxy-colors.json',
      'texture/texture.png', 'texture/visibility.png', 'generated/dance/poses.json', 'train/checkpoint.bin', 'train/log.jsonl', 'train/preview.png',
      'avatar/avatar.json', 'avatar/avatar.bin', 'preview/turntable.png', 'preview/dance.gif',
    ])
      assert.ok(existsSync(join(out, f)), `${f} exists`);
    const avatar = await loadAvatar(join(out, 'avatar'));
    assert.ok(avatar.header.gaussianCount > 1000);
    assert.ok(avatar.header.poseOffsets !== null);
    // the clothed proxy carries the body's expression units (docs/avatar.md "Expression")
    assert.ok(hasExpression(avatar), 'the created avatar has an expression basis');
    assert.ok((avatar.buffers.expressionGaussians as Uint32Array).length > 500);
    const ck = await loadCheckpoint(join(out, 'train/checkpoint.bin'));
    assert.ok(ck.step > 0);
    for (const img of ['fit/overlay.png', 'texture/texture.png', 'preview/turntable.png', 'preview/dance.gif']) {
      const meta = await sharp(join(out, img)).metadata();
      assert.ok((meta.width ?? 0) > 0, `${img} decodes`);
    }
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    for (const st of ['ingest', 'perceive', 'fit', 'shape', 'texture', 'generate', 'train']) assert.equal(manifest.stages[st].status, 'done', st);
    // the clothed proxy reproduces the photo's matte, and its GLB opens in a glTF reader
    assert.ok(manifest.stages.shape.notes.silhouetteIoU >= 0.9, `proxy IoU ${manifest.stages.shape.notes.silhouetteIoU}`);
    const glb = await new NodeIO().read(join(out, 'shape/proxy.glb'));
    const prim = glb.getRoot().listMeshes()[0]!.listPrimitives()[0]!;
    assert.equal(prim.getAttribute('POSITION')!.getCount(), manifest.stages.shape.notes.vertices);
    // at test quality (no subdivision) the Gaussians are the proxy's vertices: the avatar starts on the clothed proxy
    assert.equal(avatar.header.gaussianCount, manifest.stages.shape.notes.vertices);
    assert.ok(s.stages.every((x) => !x.skipped));
    // running again resumes: every stage is skipped
    const again = await create(samplePhoto(), out, { quality: 'test', noPreview: true });
    assert.ok(again.stages.every((x) => x.skipped), 'a second run skips finished stages');
    // a clip's poses.json carries the digest of its frames and masks, so frames re-rendered in the same poses (a changed
    // renderer) train again; rendered again unchanged, they do not
    const clip = JSON.parse(readFileSync(join(out, 'generated/dance/poses.json'), 'utf8')) as { framesDigest: string; frames: Array<{ file: string }> };
    const digest = createHash('sha256');
    for (const f of clip.frames) digest.update(readFileSync(join(out, 'generated/dance/frames', f.file))).update(readFileSync(join(out, 'generated/dance/masks', f.file)));
    assert.equal(clip.framesDigest, digest.digest('hex'));
    await rm(join(out, 'generated'), { recursive: true });
    const regenerated = await create(samplePhoto(), out, { quality: 'test', noPreview: true });
    assert.equal(regenerated.stages.find((x) => x.name === 'generate')?.skipped, false, 'generate runs again');
    assert.equal(regenerated.stages.find((x) => x.name === 'train')?.skipped, true, 'the same frames do not train again');
  } finally {
    await t.cleanup();
  }
});

test('create rejects bad input clearly before any long work', async () => {
  const t = await tempDir();
  try {
    const corrupt = join(t.dir, 'corrupt.jpg');
    await writeFile(corrupt, 'not a jpeg');
    await assert.rejects(create(corrupt, join(t.dir, 'a'), { quality: 'test' }), (e: unknown) => e instanceof PersonaError && /not an image/.test(e.message));
    assert.equal(existsSync(join(t.dir, 'a')), false, 'nothing written for a corrupt photo');

    await assert.rejects(create(samplePhoto(), join(t.dir, 'b'), { quality: 'test', body: 'smplx:/nonexistent/SMPLX_NEUTRAL.npz' }), (e: unknown) => e instanceof PersonaError && /SMPL-X model file not found/.test(e.message));

    if (process.getuid?.() !== 0) {
      const locked = join(t.dir, 'locked');
      await mkdir(locked);
      await chmod(locked, 0o500);
      await assert.rejects(create(samplePhoto(), join(locked, 'sub'), { quality: 'test' }), (e: unknown) => e instanceof PersonaError && /cannot write/.test(e.message));
    }
    const fileAsDir = join(t.dir, 'file');
    await writeFile(fileAsDir, 'x');
    await assert.rejects(create(samplePhoto(), join(fileAsDir, 'sub'), { quality: 'test' }), (e: unknown) => e instanceof PersonaError && /cannot write/.test(e.message));

    const empty = join(t.dir, 'empty.png');
    await writeFile(empty, await sharp({ create: { width: 320, height: 480, channels: 3, background: '#ffffff' } }).png().toBuffer());
    await assert.rejects(create(empty, join(t.dir, 'c'), { quality: 'test' }), (e: unknown) => e instanceof PersonaError && /no person/i.test(e.message));
  } finally {
    await t.cleanup();
  }
});

test('the CLI reports a bad quality as a usage error', () => {
  const r = runCli(['create', samplePhoto(), '--out', '/tmp/x', '--quality', 'ultra']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--quality must be one of/);
});
