/**
 * Fuzz corpus (issue 22): generated bad BVH, motion JSON, npz, avatar bundles (field by field: missing,
 * wrong type, negative, huge, NaN, misaligned…) and photos. Every case must end in a PersonaError with a
 * clear message (never an "unexpected error", a hang or silently wrong output); a few go through the CLI
 * to check the exit code and that nothing is left in the output folder. In process where possible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { PersonaError } from '../../src/core/errors.js';
import { encodeNpy, encodeNpz } from '../../src/core/npz.js';
import { zipSync } from 'fflate';
import { parseBvh } from '../../src/motion/bvh.js';
import { parseMotionJson } from '../../src/motion/json.js';
import { readSmplxNpz } from '../../src/motion/io.js';
import { loadMotion } from '../../src/motion/load.js';
import { loadAvatar, packBuffers, writeAvatarBundle, type AvatarBundle } from '../../src/avatar/bundle.js';
import { bundleFromModel } from '../../src/train/toBundle.js';
import { AvatarModel } from '../../src/train/model.js';
import { buildGaussianTemplate } from '../../src/avatar/buildTemplate.js';
import { loadBodyModel } from '../../src/body/model.js';
import { trainConfig } from '../../src/train/config.js';
import { decodePhoto } from '../../src/ingest/ingest.js';
import { samplePhoto } from '../../src/cli/create.js';
import { avatarRestSkeleton } from '../../src/animate/poses.js';
import { fixtureAvatar } from '../export/fixture.js';
import { stripedTexture } from '../train/fixture.js';
import { runCli, tempDir } from '../helpers.js';

/** A clear refusal: a PersonaError whose message says something specific (not a generic failure). */
function assertClear(err: unknown, label: string, re?: RegExp): void {
  assert.ok(err instanceof PersonaError, `${label}: expected a PersonaError, got ${(err as Error)?.stack ?? String(err)}`);
  assert.ok(err.exitCode !== 0, label);
  assert.ok(err.message.length > 15 && !/unexpected error/i.test(err.message), `${label}: ${err.message}`);
  if (re) assert.match(err.message, re, label);
}

async function expectRefused(label: string, run: () => unknown, re?: RegExp): Promise<void> {
  try {
    await run();
  } catch (err) {
    assertClear(err, label, re);
    return;
  }
  assert.fail(`${label}: was accepted`);
}

/** Sets (or, with `undefined`, removes) the field at `path` of a JSON-like value. */
function withField<T>(base: T, path: Array<string | number>, value: unknown): T {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let o = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined && Array.isArray(o)) (o as unknown[]).splice(last as number, 1); // JSON arrays have no holes
  else if (value === undefined) delete o[last];
  else o[last] = value;
  return copy as T;
}

/** The usual ways a field goes bad. */
const BAD_VALUES: Array<[string, unknown]> = [
  ['missing', undefined], ['a string', 'x'], ['negative', -4], ['huge', 1e12], ['NaN', NaN], ['null', null], ['fractional', 2.5],
];

const BVH = `HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Spine
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 10 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.0333333
0 90 0 0 0 0 0 0 0
0 90 0 0 10 0 5 0 0
`;

test('fuzz: bad BVH files are refused with the line and the problem', async () => {
  assert.equal(parseBvh(BVH, 'ok.bvh').frameCount, 2); // the base is valid
  const cases: Array<[string, string, RegExp?]> = [
    ['empty', ''],
    ['binary', '\u0000\u0001\u0002garbage\u00ff'],
    ['no MOTION', BVH.replace('MOTION', 'MOTON')],
    ['Frames: 0', BVH.replace('Frames: 2', 'Frames: 0')],
    ['Frames: -3', BVH.replace('Frames: 2', 'Frames: -3')],
    ['Frames: abc', BVH.replace('Frames: 2', 'Frames: abc')],
    ['Frames: 2000000000 and no data', BVH.replace('Frames: 2', 'Frames: 2000000000').replace(/0 90 0[^\n]*\n/g, ''), /more than the \d+ a motion may have/],
    ['Frames: 1e999', BVH.replace('Frames: 2', 'Frames: 1e999')],
    ['Frame Time: 100000', BVH.replace('Frame Time: 0.0333333', 'Frame Time: 100000'), /Frame Time 100000.*outside/],
    ['Frame Time: 1e-9', BVH.replace('Frame Time: 0.0333333', 'Frame Time: 1e-9'), /outside 1…1000/],
    ['Frame Time: 0', BVH.replace('Frame Time: 0.0333333', 'Frame Time: 0')],
    ['Frame Time: NaN', BVH.replace('Frame Time: 0.0333333', 'Frame Time: NaN')],
    ['Frames: 30000 of 1 s each', BVH.replace('Frames: 2', 'Frames: 30000').replace('Frame Time: 0.0333333', 'Frame Time: 1'), /lasts 29999 s/],
    ['a value missing', BVH.replace('0 90 0 0 10 0 5 0 0', '0 90 0 0 10 0 5 0')],
    ['a value too many', BVH.replace('0 90 0 0 10 0 5 0 0', '0 90 0 0 10 0 5 0 0 1')],
    ['a NaN value', BVH.replace('0 90 0 0 10 0 5 0 0', '0 90 0 0 nan 0 5 0 0')],
    ['an Infinity value', BVH.replace('0 90 0 0 10 0 5 0 0', '0 90 0 0 Infinity 0 5 0 0')],
    ['fewer frames than declared', BVH.replace('Frames: 2', 'Frames: 3')],
    ['more frames than declared', BVH + '0 90 0 0 0 0 0 0 0\n'],
    ['truncated hierarchy', BVH.slice(0, BVH.indexOf('End Site')) + '\nMOTION\nFrames: 1\nFrame Time: 0.03\n0 0 0 0 0 0 0 0 0\n'],
    ['bad channel count', BVH.replace('CHANNELS 3 Zrotation', 'CHANNELS 99 Zrotation')],
    ['unknown channel', BVH.replace('CHANNELS 3 Zrotation', 'CHANNELS 3 Wrotation')],
    ['NaN offset', BVH.replace('OFFSET 0 10 0\n    CHANNELS', 'OFFSET 0 nan 0\n    CHANNELS')],
  ];
  for (const [label, text, re] of cases) await expectRefused(`BVH ${label}`, () => parseBvh(text, 'bad.bvh'), re);
});

const MOTION_JSON = {
  format: 'persona-motion', version: 1, name: 'm', fps: 30, joints: ['pelvis', 'spine1'], rotation: 'quaternion',
  frames: [{ r: [[1, 0, 0, 0], [1, 0, 0, 0]], t: [0, 0.9, 0] }, { r: [[1, 0, 0, 0], [0.9238795, 0.3826834, 0, 0]], t: [0, 0.9, 0.1] }],
};

test('fuzz: persona-motion JSON, field by field', async () => {
  assert.equal(parseMotionJson(MOTION_JSON, 'ok.json').motion.frameCount, 2);
  // the changes that leave a valid file (an optional field left out, a value that is still valid)
  const harmless = new Set([
    'name missing', 'name a string', 'fps fractional', 'joints.0 a string', 'rotation missing', 'rotation null', 'frames.0 missing', 'frames.0.t missing',
    'frames.0.t.1 negative', 'frames.0.t.1 huge', 'frames.0.t.1 fractional', 'frameCount missing',
  ]);
  const fields: Array<Array<string | number>> = [
    ['format'], ['version'], ['name'], ['fps'], ['joints'], ['joints', 0], ['rotation'], ['frames'], ['frames', 0], ['frames', 0, 'r'],
    ['frames', 0, 'r', 1], ['frames', 0, 'r', 1, 2], ['frames', 0, 't'], ['frames', 0, 't', 1], ['frameCount'],
  ];
  let refused = 0;
  for (const f of fields) {
    for (const [how, value] of BAD_VALUES) {
      const label = `${f.join('.')} ${how}`;
      try {
        parseMotionJson(withField(MOTION_JSON, f, value), 'm.json');
      } catch (err) {
        assertClear(err, `motion JSON ${label}`, /^m\.json: /);
        refused++;
        continue;
      }
      assert.ok(harmless.has(label), `motion JSON ${label} was accepted`);
    }
  }
  assert.ok(refused > 80, `${refused} cases refused`);
  // specific messages of the issue
  await expectRefused('fps 1e-9', () => parseMotionJson({ ...MOTION_JSON, fps: 1e-9 }, 'm.json'), /fps gives 1e-9 frames per second, outside 1…1000/);
  await expectRefused('infinite quaternion', () => parseMotionJson(withField(MOTION_JSON, ['frames', 1, 'r', 0, 0], Infinity), 'm.json'), /must be a finite number, got Infinity/);
  await expectRefused('2 frames over an hour', () => parseMotionJson({ ...MOTION_JSON, fps: 1, frames: Array(2000).fill(MOTION_JSON.frames[0]) }, 'm.json'), /lasts 1999 s/);
});

test('fuzz: SMPL-X npz files', async () => {
  const t = await tempDir();
  try {
    const F = 3;
    const good = { poses: { data: new Float64Array(F * 165), shape: [F, 165] }, trans: { data: new Float64Array(F * 3), shape: [F, 3] }, mocap_framerate: { data: Float64Array.of(60), shape: [] as number[] } };
    const okPath = join(t.dir, 'ok.npz');
    writeFileSync(okPath, encodeNpz(good));
    assert.equal(readSmplxNpz(okPath).frameCount, F);
    const bytes = readFileSync(okPath);
    const cases: Array<[string, Uint8Array, RegExp?]> = [
      ['empty', new Uint8Array(0)],
      ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 255)],
      ['truncated zip', bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['poses F×10', encodeNpz({ ...good, poses: { data: new Float64Array(F * 10), shape: [F, 10] } })],
      ['poses F×2×165', encodeNpz({ ...good, poses: { data: new Float64Array(F * 2 * 165), shape: [F, 2, 165] } })],
      ['NaN in poses', encodeNpz({ ...good, poses: { data: new Float64Array(F * 165).fill(NaN), shape: [F, 165] } }), /non-finite/],
      ['trans of other length', encodeNpz({ ...good, trans: { data: new Float64Array(2 * 3), shape: [2, 3] } })],
      ['framerate 1e-9', encodeNpz({ ...good, mocap_framerate: { data: Float64Array.of(1e-9), shape: [] } }), /outside 1…1000/],
      ['framerate negative', encodeNpz({ ...good, mocap_framerate: { data: Float64Array.of(-30), shape: [] } })],
      ['framerate NaN', encodeNpz({ ...good, mocap_framerate: { data: Float64Array.of(NaN), shape: [] } })],
      ['no pose arrays', encodeNpz({ trans: good.trans })],
      ['huge declared shape, tiny data', hugeShapeNpz()],
      ['PCA hands', encodeNpz({ root_orient: { data: new Float64Array(F * 3), shape: [F, 3] }, left_hand_pose: { data: new Float64Array(F * 12), shape: [F, 12] } }), /PCA/],
    ];
    for (const [label, data, re] of cases) {
      const p = join(t.dir, `${label.replace(/\W+/g, '_')}.npz`);
      writeFileSync(p, data);
      await expectRefused(`npz ${label}`, () => readSmplxNpz(p), re);
    }
  } finally {
    await t.cleanup();
  }
});

/** An npz whose `poses` header declares 10^9 frames over one frame of data (the npy header keeps its length). */
function hugeShapeNpz(): Uint8Array {
  const npy = Buffer.from(encodeNpy({ data: new Float64Array(165), shape: [1, 165] }));
  const text = npy.toString('latin1');
  const edited = text.replace("'shape': (1, 165)", "'shape': (1000000000, 165)").replace(/ {9}\n/, '\n');
  assert.equal(edited.length, text.length);
  return zipSync({ 'poses.npy': Buffer.from(edited, 'latin1') }, { level: 0 });
}

/** Writes a bundle's files once; each case gets its own folder with an edited header and/or binary. */
async function bundleCases(root: string, bundle: AvatarBundle): Promise<(name: string, header: unknown, bin?: Uint8Array) => string> {
  const base = join(root, 'base');
  await writeAvatarBundle(base, bundle);
  await loadAvatar(base); // the base is valid
  return (name, header, bin) => {
    const dir = join(root, name.replace(/\W+/g, '_'));
    mkdirSync(dir);
    writeFileSync(join(dir, 'avatar.json'), JSON.stringify(header));
    if (bin) writeFileSync(join(dir, 'avatar.bin'), bin);
    else symlinkSync(join(base, 'avatar.bin'), join(dir, 'avatar.bin'));
    return dir;
  };
}

test('fuzz: avatar bundles, header field by field and corrupt data', async () => {
  const t = await tempDir();
  try {
    // a bundle with the pose-offset network (anchors, MLP), untrained
    const cfg = trainConfig('test');
    const template = buildGaussianTemplate(loadBodyModel(), { shape: [], levels: 0, texture: stripedTexture() });
    const bundle = bundleFromModel(new AvatarModel(template, cfg.avatar, 0));
    assert.ok(bundle.header.poseOffsets, 'the fuzzed bundle has pose offsets');
    const make = await bundleCases(t.dir, bundle);
    const h = bundle.header;
    const fields: Array<Array<string | number>> = [
      ['gaussianCount'], ['skinInfluences'], ['skeleton'], ['skeleton', 'names'], ['skeleton', 'parents'], ['skeleton', 'parents', 3],
      ['skeleton', 'restJoints'], ['skeleton', 'restJoints', 4], ['poseOffsets', 'anchorCount'], ['poseOffsets', 'featureDim'],
      ['poseOffsets', 'hidden'], ['poseOffsets', 'hidden', 0], ['poseOffsets', 'anchorsPerGaussian'], ['poseOffsets', 'inputJoints'],
      ['poseOffsets', 'inputJoints', 0], ['buffers'], ['buffers', 'means'], ['buffers', 'means', 'dtype'], ['buffers', 'means', 'shape'],
      ['buffers', 'means', 'shape', 0], ['buffers', 'gaussianAnchors', 'byteOffset'], ['buffers', 'mlp.0.weight', 'byteOffset'],
      ['buffers', 'skinJoints', 'shape', 1],
    ];
    // a rest-joint coordinate may be any finite number
    const harmless = new Set(['skeleton.restJoints.4 negative', 'skeleton.restJoints.4 huge', 'skeleton.restJoints.4 fractional']);
    let n = 0;
    for (const f of fields) {
      for (const [how, value] of BAD_VALUES) {
        const label = `${f.join('.')} ${how}`;
        if (harmless.has(label)) continue;
        const dir = make(`h${n++}`, withField(h, f, value));
        await expectRefused(`avatar.json ${label}`, () => loadAvatar(dir));
      }
    }
    const specific: Array<[string, unknown, RegExp]> = [
      ['negative byteOffset', withField(h, ['buffers', 'means', 'byteOffset'], -8), /bad byteOffset -8/],
      ['misaligned byteOffset', withField(h, ['buffers', 'scales', 'byteOffset'], h.buffers.scales!.byteOffset + 2), /not a multiple of 4/],
      ['hidden layer of size 1e9', withField(h, ['poseOffsets', 'hidden', 1], 1e9), /hidden\[1\] must be a layer width in 1…4096 \(got 1000000000\)/],
      ['skeleton cycle', withField(withField(h, ['skeleton', 'parents', 1], 2), ['skeleton', 'parents', 2], 1), /comes before its parent 2/],
      ['self-parent', withField(h, ['skeleton', 'parents', 5], 5), /joint 5 .* is its own parent/],
      ['two roots and a forward parent', withField(h, ['skeleton', 'parents', 0], 3), /comes before its parent 3/],
      ['unknown input joint', withField(h, ['poseOffsets', 'inputJoints', 2], 'tail'), /inputJoints\[2\] = "tail" is not a joint/],
      ['group norm not dividing', withField(h, ['poseOffsets', 'groupNormGroups'], 7), /not a multiple of groupNormGroups/],
      ['wrong format', withField(h, ['format'], 'x'), /not a Persona avatar/],
      ['other version', withField(h, ['formatVersion'], 99), /format version 99/],
    ];
    for (const [label, header, re] of specific) await expectRefused(`avatar.json ${label}`, () => loadAvatar(make(label, header)), re);

    // corrupt data in avatar.bin
    const packed = packBuffers(bundle);
    const edit = (name: string, patch: (view: DataView, offset: number) => void): Uint8Array => {
      const b = packed.slice();
      patch(new DataView(b.buffer), h.buffers[name]!.byteOffset);
      return b;
    };
    const A = h.poseOffsets!.anchorCount;
    const data: Array<[string, Uint8Array, RegExp]> = [
      ['gaussianAnchors out of range', edit('gaussianAnchors', (v, o) => v.setUint32(o + 4 * 7, A, true)), new RegExp(`gaussianAnchors\\[7\\] = ${A} is not an anchor`)],
      ['NaN mean', edit('means', (v, o) => v.setFloat32(o + 8, NaN, true)), /"means" has a non-finite value at 2/],
      ['infinite MLP weight', edit('mlp.1.weight', (v, o) => v.setFloat32(o, Infinity, true)), /"mlp\.1\.weight" has a non-finite value/],
      ['NaN anchor weight', edit('gaussianAnchorWeights', (v, o) => v.setFloat32(o, NaN, true)), /gaussianAnchorWeights/],
      ['skin joint out of range', edit('skinJoints', (v, o) => v.setUint16(o, 999, true)), /skinJoints\[0\] = 999 is not a joint/],
      ['truncated', packed.subarray(0, packed.length - 100), /truncated/],
      ['empty', new Uint8Array(0), /truncated/],
    ];
    for (const [label, bin, re] of data) await expectRefused(`avatar.bin ${label}`, () => loadAvatar(make(`bin ${label}`, h, bin)), re);
    const notJson = join(t.dir, 'notjson');
    mkdirSync(notJson);
    writeFileSync(join(notJson, 'avatar.json'), '{"format": "persona-avatar", ');
    await expectRefused('avatar.json not JSON', () => loadAvatar(notJson), /not valid JSON/);
  } finally {
    await t.cleanup();
  }
});

/** A PNG that only declares its size (IHDR) with a token IDAT. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

test('fuzz: bad photos', async () => {
  const t = await tempDir();
  try {
    const real = readFileSync(samplePhoto());
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } }).png().toBuffer();
    const tiff = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#888' } }).tiff().toBuffer();
    const cases: Array<[string, Uint8Array, RegExp?]> = [
      ['empty', new Uint8Array(0), /is empty/],
      ['text', Buffer.from('hello, I am not a photo'), /not an image/],
      ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255), /not an image/],
      ['truncated PNG', real.subarray(0, Math.floor(real.length / 3)), /damaged|not an image/],
      ['8×8 PNG', tiny, /too small/],
      ['TIFF', tiff, /TIFF image; Persona reads JPEG, PNG and WebP/],
      ['20000×20000 PNG', pngHeaderOnly(20000, 20000), /20000×20000 px, over the pixel limit/],
      ['PNG with a corrupt body', pngHeaderOnly(640, 480), /damaged/],
    ];
    for (const [label, bytes, re] of cases) {
      const p = join(t.dir, `${label.replace(/\W+/g, '_')}.png`);
      writeFileSync(p, bytes);
      await expectRefused(`photo ${label}`, () => decodePhoto(p), re);
    }
    await expectRefused('photo missing', () => decodePhoto(join(t.dir, 'nope.png')), /Cannot read .*ENOENT/);
    await expectRefused('photo is a folder', () => decodePhoto(t.dir), /is a folder/);
  } finally {
    await t.cleanup();
  }
});

test('fuzz through the CLI: bad bundle, BVH and photo → exit 1 with a message, nothing in the output folder', async () => {
  const t = await tempDir();
  try {
    const good = join(t.dir, 'good');
    await writeAvatarBundle(good, fixtureAvatar());
    const header = JSON.parse(readFileSync(join(good, 'avatar.json'), 'utf8'));
    const cyclic = join(t.dir, 'cyclic');
    mkdirSync(cyclic);
    header.skeleton.parents[4] = 7; // left_knee after its "parent" left_ankle: a cycle through the order
    writeFileSync(join(cyclic, 'avatar.json'), JSON.stringify(header));
    symlinkSync(join(good, 'avatar.bin'), join(cyclic, 'avatar.bin'));
    const out = join(t.dir, 'out');
    const e = runCli(['export', cyclic, '--out', join(out, 'a.ply')]);
    assert.equal(e.code, 1, e.stderr);
    assert.match(e.stderr, /comes before its parent 7/);
    const bvh = join(t.dir, 'long.bvh');
    writeFileSync(bvh, BVH.replace('Frame Time: 0.0333333', 'Frame Time: 100000'));
    const a = runCli(['animate', good, '--motion', bvh, '--out', join(out, 'a.gif')]);
    assert.equal(a.code, 1, a.stderr);
    assert.match(a.stderr, /long\.bvh: line \d+.*outside 1…1000/);
    const big = join(t.dir, 'big.png');
    writeFileSync(big, pngHeaderOnly(20000, 20000));
    const i = runCli(['ingest', big, '--out', join(out, 'subject')]);
    assert.equal(i.code, 1, i.stderr);
    assert.match(i.stderr, /over the pixel limit/);
    assert.doesNotMatch(e.stderr + a.stderr + i.stderr, /unexpected error/);
    assert.ok(!existsSync(out) || readdirSync(out).length === 0, `left in the output folder: ${existsSync(out) ? readdirSync(out) : ''}`);
    // the motion loader refuses the same BVH through every entry point
    await expectRefused('loadMotion long BVH', () => loadMotion(bvh, avatarRestSkeleton(fixtureAvatar())), /outside 1…1000/);
  } finally {
    await t.cleanup();
  }
});
