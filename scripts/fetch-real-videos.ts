/**
 * Fills a temporary folder with the development set of real videos of `bench/real/videos.json`
 * (docs/capture.md): each clip is read from a local mirror of its repository
 * (`<mirror>/<owner>+<name>`, a git directory or a folder holding one as `repo/` or `.git/`) at the
 * manifest's commit, or else downloaded from the repository's public raw URL, then trimmed,
 * cropped and resampled by ffmpeg into `<out>/<id>.mp4` (at most 640 px on the long side).
 * Clips already there are kept. No video is committed to the project.
 *
 *   node dist/scripts/fetch-real-videos.js [--out /tmp/persona-real-videos] [--mirror <dir>] [--only id,id]
 *   (the mirror folder can also come from the PERSONA_MIRROR environment variable)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/core/version.js';

/** One clip of the manifest. */
export interface RealClip {
  id: string;
  repo: string;
  commit: string;
  path: string;
  licence: string;
  /** Whether pictures made from the clip may be committed (side-by-side GIFs). */
  redistribute: boolean;
  description: string;
  /** Trim: start and duration (s) in the source video. */
  start: number;
  duration: number;
  /** Frame rate the clip is resampled to. */
  fps: number;
  /** ffmpeg crop expression (w:h:x:y) applied before scaling, or null. */
  crop: string | null;
  /** Time range (s, in the trimmed clip) where the person walks upright, or null. */
  walking: [number, number] | null;
}

/** Long side of the prepared clips (pixels). */
export const REAL_CLIP_MAX_SIDE = 640;
/** Where the prepared clips go by default (the system's temporary folder: /tmp/persona-real-videos on Linux). */
export const DEFAULT_REAL_VIDEO_DIR = join(tmpdir(), 'persona-real-videos');

export async function readRealManifest(): Promise<RealClip[]> {
  const text = await readFile(join(packageRoot(), 'bench', 'real', 'videos.json'), 'utf8');
  return (JSON.parse(text) as { clips: RealClip[] }).clips;
}

/** The git directory of `repo` under a mirror folder, or null. */
function mirrorGitDir(mirror: string, repo: string): string | null {
  const base = join(mirror, repo.replace('/', '+'));
  for (const d of [join(base, 'repo'), join(base, '.git'), base]) if (existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'))) return d;
  return null;
}

/** The source bytes of a clip: from the mirror when it has the commit, else from the raw URL. */
async function sourceBytes(clip: RealClip, mirror: string | undefined): Promise<{ data: Buffer; from: string }> {
  if (mirror) {
    const git = mirrorGitDir(mirror, clip.repo);
    if (git) {
      const r = spawnSync('git', ['--git-dir', git, 'show', `${clip.commit}:${clip.path}`], { maxBuffer: 1 << 28 });
      if (r.status === 0 && r.stdout.length > 0) return { data: r.stdout, from: `${git} ${clip.commit.slice(0, 10)}:${clip.path}` };
    }
  }
  const url = `https://raw.githubusercontent.com/${clip.repo}/${clip.commit}/${clip.path}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${clip.id}: ${url} answered ${res.status} (and no mirror had it; pass --mirror <dir>)`);
  return { data: Buffer.from(await res.arrayBuffer()), from: url };
}

/** Prepares every clip (or those in `only`) in `out`; returns the paths of the prepared videos by id. */
export async function fetchRealVideos(options: { out?: string; mirror?: string; only?: string[]; log?: (s: string) => void } = {}): Promise<Map<string, string>> {
  const out = options.out ?? DEFAULT_REAL_VIDEO_DIR;
  const log = options.log ?? ((s: string) => console.log(s));
  if (spawnSync('ffmpeg', ['-version']).status !== 0) throw new Error('ffmpeg is needed to trim the clips (Debian: apt-get install ffmpeg).');
  await mkdir(out, { recursive: true });
  const clips = (await readRealManifest()).filter((c) => !options.only || options.only.includes(c.id));
  const paths = new Map<string, string>();
  for (const clip of clips) {
    const dst = join(out, `${clip.id}.mp4`);
    paths.set(clip.id, dst);
    if (existsSync(dst) && statSync(dst).size > 0) { log(`${clip.id}: already there`); continue; }
    const { data, from } = await sourceBytes(clip, options.mirror);
    const raw = join(out, `.${clip.id}.source`);
    await writeFile(raw, data);
    const filters = [clip.crop ? `crop=${clip.crop}` : null, `fps=${clip.fps}`,
      `scale='if(gt(iw,ih),min(${REAL_CLIP_MAX_SIDE},iw),-2)':'if(gt(iw,ih),-2,min(${REAL_CLIP_MAX_SIDE},ih))'`].filter(Boolean).join(',');
    const tmp = join(out, `.${clip.id}.tmp.mp4`);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-ss', String(clip.start), '-t', String(clip.duration), '-i', raw, '-an', '-vf', filters,
      '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', tmp], { encoding: 'utf8' });
    await rm(raw, { force: true });
    if (r.status !== 0) throw new Error(`${clip.id}: ffmpeg failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
    await rename(tmp, dst);
    log(`${clip.id}: ${from} → ${dst}`);
  }
  return paths;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
  try {
    await fetchRealVideos({ out: flag('--out'), mirror: flag('--mirror') ?? process.env.PERSONA_MIRROR, only: flag('--only')?.split(',') });
  } catch (err) {
    console.error(`fetch-real-videos: ${(err as Error).message}`);
    process.exit(1);
  }
}
