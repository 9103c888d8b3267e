/**
 * `persona view --export-site`: a self-contained static site (the built page, the avatar files and the
 * builtin motions for its skeleton) that any static host can serve. Written atomically; an existing folder
 * is only replaced when it is empty or a previous export (it holds the marker file).
 */
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { packageVersion } from '../core/version.js';
import { loadAvatar } from '../avatar/bundle.js';
import { builtinMotionFiles } from './motions.js';
import { viewerPageDir } from './server.js';

/** Marker file that identifies a folder written by `exportViewerSite`. */
export const SITE_MARKER = 'persona-site.json';

/** Resolves an avatar folder or a subject folder (with avatar/) to the folder holding avatar.json. */
export function avatarFolder(dir: string): string {
  if (existsSync(join(dir, 'avatar.json'))) return dir;
  if (existsSync(join(dir, 'avatar', 'avatar.json'))) return join(dir, 'avatar');
  throw new PersonaError(`No avatar found in ${dir} (expected avatar.json and avatar.bin).`, {
    hint: 'Give the avatar folder written by `persona create` or `persona train` (e.g. <subject>/avatar).',
  });
}

/** Writes the site; returns the motions it contains and any builtin motions that could not be retargeted. */
export async function exportViewerSite(avatarDir: string, outDir: string): Promise<{ motions: string[]; skipped: string[]; gaussians: number }> {
  const dir = avatarFolder(avatarDir);
  const bundle = await loadAvatar(dir); // validates before anything is written
  const pageDir = viewerPageDir();
  if (existsSync(outDir)) {
    const entries = await readdir(outDir);
    if (entries.length > 0 && !entries.includes(SITE_MARKER))
      throw new PersonaError(`${outDir} exists and is not an exported Persona site; refusing to replace it.`, {
        hint: 'Give a new or empty folder for --export-site.',
      });
  }
  const { files, index, skipped } = builtinMotionFiles(bundle.header);
  await writeDirAtomic(outDir, async (tmp) => {
    await cp(pageDir, tmp, { recursive: true });
    await mkdir(join(tmp, 'avatar'), { recursive: true });
    await copyFile(join(dir, 'avatar.json'), join(tmp, 'avatar', 'avatar.json'));
    await copyFile(join(dir, 'avatar.bin'), join(tmp, 'avatar', 'avatar.bin'));
    await mkdir(join(tmp, 'motions'), { recursive: true });
    for (const [url, text] of files) await writeFile(join(tmp, ...url.split('/').filter(Boolean).map(decodeURIComponent)), text);
    await writeFile(join(tmp, SITE_MARKER), JSON.stringify({ tool: 'persona-avatar', version: packageVersion(), createdAt: new Date().toISOString(), gaussians: bundle.header.gaussianCount }, null, 1) + '\n');
  });
  return { motions: index.map((m) => m.name), skipped, gaussians: bundle.header.gaussianCount };
}
