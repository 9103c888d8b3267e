/**
 * Rebuilds the clothed proxy of subject folders that already hold perception and a fit (e.g. the folders
 * `npm run bench:real-shape` leaves in /tmp/persona-real-shape), and stacks their shape/overlay.png sheets
 * (photo | proxy over it | canonical front, side, back) into one picture — the quick loop for work on the
 * shape stage: no perception, fit or training is rerun.
 * `--canonical out.png` also writes the proxies alone (canonical front, side, back; no photo pixels, for the docs).
 * Run: node dist/bench/reshape.js [--root DIR] [--only a,b] [--sheet out.png] [--json out.json] [--canonical out.png]
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { canonicalViews, materialColors, readProxy, runShapeStage } from '../src/shape/index.js';
import { loadBodyModel } from '../src/body/model.js';
import { readImage, writePng } from '../src/core/image.js';
import { contactSheet } from '../src/render/index.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
if (args.includes('--help')) {
  console.log('node dist/bench/reshape.js [--root DIR] [--only a,b] [--sheet out.png] [--json out.json] [--canonical out.png]');
  process.exit(0);
}
const root = arg('root') ?? '/tmp/persona-real-shape';
const only = arg('only')?.split(',');
const sheetPath = arg('sheet') ?? join(root, 'reshape.png');
const body = loadBodyModel();
const load0 = loadavg();
const rows: Array<Record<string, unknown>> = [];
const sheets = [];
const canonical = [];
for (const name of readdirSync(root).sort()) {
  if (only && !only.includes(name)) continue;
  const dir = join(root, name);
  if (!existsSync(join(dir, 'fit/body.json'))) continue;
  const cpu0 = process.cpuUsage(), wall0 = performance.now();
  const r = await runShapeStage(dir, { body, force: true });
  const cpu = process.cpuUsage(cpu0);
  const row = {
    name, proxyIoU: r.silhouetteIoU, vertices: r.stats?.vertices,
    wallSeconds: +((performance.now() - wall0) / 1000).toFixed(1), cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  sheets.push(await readImage(join(dir, 'shape/overlay.png'), 3));
  if (arg('canonical')) { const proxy = readProxy(join(dir, 'shape')); canonical.push(...canonicalViews(proxy, materialColors(proxy), 420)); }
}
if (sheets.length === 0) throw new Error(`no subject folder with fit/body.json under ${root}`);
await writePng(sheetPath, contactSheet(sheets, { columns: 1, labels: rows.map((r) => String(r.name)) }));
if (arg('canonical')) await writePng(arg('canonical')!, contactSheet(canonical, { columns: 3, labels: canonical.map((_, i) => ['FRONT', 'SIDE', 'BACK'][i % 3]!) }));
const load = { start: load0, end: loadavg() };
if (arg('json')) writeFileSync(arg('json')!, JSON.stringify({ date: new Date().toISOString(), load, rows }, null, 2));
console.log(`wrote ${sheetPath}; load average ${load0.map((x) => x.toFixed(2)).join(' ')} → ${load.end.map((x) => x.toFixed(2)).join(' ')}`);
