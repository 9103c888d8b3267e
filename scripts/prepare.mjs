#!/usr/bin/env node
/**
 * `npm install`'s build step (package.json `prepare`): compiles the TypeScript (tsc) and the viewer page (vite),
 * unless dist/ was built from exactly these sources.
 *
 * Why the check: `npx persona …` in a clone of this repository does not run the clone's `node_modules/.bin`; npm
 * (libnpmexec) sees that the project's own package.json has a `persona` bin and links the project into its npx
 * cache (~/.npm/_npx/<hash>), which runs `prepare` again the first time — 15–17 s of tsc and vite added to the first
 * `npx persona demo` of every fresh clone (measured 2026-12-07: the first line of the demo after 17.0 s, 1.7 s on
 * later runs). With the check that second `prepare` takes a few tens of milliseconds.
 *
 * The fingerprint is a SHA-256 over the path and content of every build input (the sources tsc and vite read, their
 * configurations and the lock file); it is written to dist/.build-fingerprint only after both builds succeed, so a
 * failed or interrupted build is redone. `PERSONA_FORCE_BUILD=1` builds regardless. `npm run build` always builds.
 *
 * `node scripts/prepare.mjs --check [--root DIR]` only says whether DIR's dist/ is up to date (exit 0) or not (exit 1)
 * and builds nothing; `--mark-built` records the current sources' fingerprint without building (after a build made by
 * other means, e.g. `npm run build`). Both are tested in test/package/prepare.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = rootArg >= 0 ? args[rootArg + 1] : dirname(dirname(fileURLToPath(import.meta.url)));
const checkOnly = args.includes('--check');
const markOnly = args.includes('--mark-built');
const stampPath = join(root, 'dist', '.build-fingerprint');
/** Folders whose files are build inputs (bench/results holds measurements, not sources). */
const INPUT_DIRS = ['src', 'test', 'bench', 'scripts'];
const SKIP_DIRS = new Set([join(root, 'bench', 'results'), join(root, 'node_modules'), join(root, 'dist')]);
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json'];
/** What a complete build leaves behind (the CLI entry and the viewer page). */
const OUTPUTS = ['dist/src/cli/main.js', 'dist/viewer/index.html'];

function listFiles(dir, out) {
  if (SKIP_DIRS.has(dir) || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(p, out);
    else if (entry.isFile()) out.push(p);
  }
}

function fingerprint() {
  const files = [];
  for (const d of INPUT_DIRS) listFiles(join(root, d), files);
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) files.push(join(root, f));
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(relative(root, f)).update('\0').update(String(statSync(f).size)).update('\0');
    hash.update(readFileSync(f));
  }
  return hash.digest('hex');
}

function run(command, args) {
  const bin = join(root, 'node_modules', '.bin', command);
  const r = spawnSync(existsSync(bin) ? bin : command, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw new Error(`prepare: could not start ${command}: ${r.error.message}`);
  if (r.status !== 0) {
    process.stderr.write(`prepare: ${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal}); fix the error above and run \`npm run build\`\n`);
    process.exit(r.status ?? 1);
  }
}

const t0 = Date.now();
const wanted = fingerprint();
const built = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
const complete = OUTPUTS.every((p) => existsSync(join(root, p)));
const upToDate = process.env.PERSONA_FORCE_BUILD !== '1' && complete && built === wanted;
if (checkOnly) {
  process.stdout.write(upToDate ? 'up to date\n' : `stale (${!complete ? 'a build output is missing' : built ? 'the sources changed' : 'no fingerprint'})\n`);
  process.exit(upToDate ? 0 : 1);
}
if (markOnly) {
  writeStamp();
  process.exit(0);
}
if (upToDate) {
  process.stderr.write(`prepare: dist/ is up to date with the sources (checked in ${Date.now() - t0} ms), not rebuilt\n`);
} else {
  run('tsc', ['-p', 'tsconfig.json']);
  run('vite', ['build', '--config', 'src/viewer/vite.config.ts']);
  writeStamp(); // written last: only a finished build is ever called up to date
}

/** Writes the fingerprint atomically (a temporary file renamed over it). */
function writeStamp() {
  mkdirSync(dirname(stampPath), { recursive: true });
  writeFileSync(`${stampPath}.tmp`, `${wanted}\n`);
  renameSync(`${stampPath}.tmp`, stampPath);
}
