/**
 * Fills a folder with the development set of real full-body photos listed in
 * bench/real/photos.json (issue #19; shared with the clothed-shape issue #17). The photos are not
 * committed: their repositories' licences do not allow redistribution.
 *
 * Each photo is taken, in order, from
 *   1. a local git mirror folder: `--mirror <dir>` or env PERSONA_MIRROR, laid out as
 *      `<dir>/<owner>+<name>` (a bare git dir, or one with a `repo` git dir inside), read with
 *      `git --git-dir=… show <commit>:<path>`;
 *   2. the repository's public raw file URL over https (raw.githubusercontent.com, pinned commit).
 * Every photo says what it used or, when both failed, why.
 *
 * Run: npm run fetch:real [-- --out /tmp/persona-real] [--mirror <dir>]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/atomic.js';
import { packageRoot } from '../src/core/version.js';

export interface RealPhoto {
  name: string;
  file: string;
  repo: string;
  commit: string;
  path: string;
  licence: string;
  description: string;
  tags: string[];
}

export function readManifest(): RealPhoto[] {
  const file = join(packageRoot(), 'bench', 'real', 'photos.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { photos: RealPhoto[] }).photos;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The git dir of `repo` inside a mirror folder, or undefined. */
function mirrorGitDir(mirror: string, repo: string): string | undefined {
  const base = join(mirror, repo.replace('/', '+'));
  for (const dir of [join(base, 'repo'), base]) {
    if (existsSync(join(dir, 'HEAD')) || existsSync(join(dir, 'objects'))) return dir;
  }
  return undefined;
}

function fromMirror(mirror: string, photo: RealPhoto): Buffer {
  const gitDir = mirrorGitDir(mirror, photo.repo);
  if (!gitDir) throw new Error(`no git dir for ${photo.repo} under ${mirror}`);
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${photo.commit}:${photo.path}`], {
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function fromRaw(photo: RealPhoto): Promise<Buffer> {
  const url = `https://raw.githubusercontent.com/${photo.repo}/${photo.commit}/${photo.path
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

function looksLikeImage(bytes: Buffer): boolean {
  const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  return png || jpeg;
}

async function main(): Promise<void> {
  const out = argValue('--out') ?? '/tmp/persona-real';
  const mirror = argValue('--mirror') ?? process.env.PERSONA_MIRROR;
  mkdirSync(out, { recursive: true });
  const photos = readManifest();
  let failed = 0;
  for (const photo of photos) {
    const target = join(out, photo.file);
    if (existsSync(target) && statSync(target).size > 0) {
      console.log(`ok     ${photo.file} (already there)`);
      continue;
    }
    const errors: string[] = [];
    let bytes: Buffer | undefined;
    let source = '';
    if (mirror) {
      try {
        bytes = fromMirror(mirror, photo);
        source = `mirror ${mirror}`;
      } catch (error) {
        errors.push(`mirror: ${String((error as Error).message).split('\n')[0]}`);
      }
    } else {
      errors.push('mirror: none given (--mirror or PERSONA_MIRROR)');
    }
    if (!bytes) {
      try {
        bytes = await fromRaw(photo);
        source = 'raw.githubusercontent.com';
      } catch (error) {
        const cause = (error as Error & { cause?: Error }).cause;
        errors.push(`https: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`);
      }
    }
    if (bytes && !looksLikeImage(bytes)) {
      errors.push(`${source}: not a PNG/JPEG (Git LFS pointer?)`);
      bytes = undefined;
    }
    if (!bytes) {
      failed++;
      console.log(`FAILED ${photo.file} (${photo.repo}:${photo.path})\n       ${errors.join('\n       ')}`);
      continue;
    }
    await writeFileAtomic(target, bytes);
    console.log(`ok     ${photo.file} from ${source} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  }
  console.log(`${photos.length - failed}/${photos.length} photos in ${out}`);
  if (failed > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
