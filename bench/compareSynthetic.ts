/**
 * Side-by-side table of synthetic-benchmark runs (bench/synthetic.ts JSON files): one row per subject and
 * run, then the mean over subjects per run, for one variant (refined novel views).
 * Run: node dist/bench/compareSynthetic.js [--variant full] label=path.json label=path.json …
 * Prints Markdown; used for the old-vs-new tables in docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';

interface Metrics { psnr: number; psnrFull: number; iou: number; regions: { face: number; hands: number; clothing: number } }
interface VariantResult { photo: Metrics; novel: { refined: Metrics }; heldOutMotion: { refined: Metrics } }
interface Report { date: string; machine?: { loadavgStart?: number[]; loadavgEnd?: number[] }; subjects: Array<{ id: number; name: string; fit: { silhouetteIoU: number }; variants: Record<string, VariantResult> }> }

const args = process.argv.slice(2);
const vi = args.indexOf('--variant');
const variant = vi >= 0 ? args[vi + 1]! : 'full';
const runs = args.filter((a, i) => a.includes('=') && !(vi >= 0 && i === vi + 1)).map((a) => {
  const [label, path] = a.split('=') as [string, string];
  return { label, report: JSON.parse(readFileSync(path, 'utf8')) as Report };
});
if (runs.length === 0) throw new Error('usage: compareSynthetic.js [--variant full] label=run.json …');

const columns = ['photo PSNR', 'novel IoU', 'novel whole-image PSNR', 'novel clothing PSNR', 'held-out motion clothing PSNR'] as const;
const pick = (v: VariantResult): number[] => [v.photo.psnr, v.novel.refined.iou, v.novel.refined.psnrFull, v.novel.refined.regions.clothing, v.heldOutMotion.refined.regions.clothing];
const fmt = (x: number, k: number): string => (Number.isFinite(x) ? x.toFixed(k === 1 ? 3 : 2) : '—');

console.log(`| subject | run | ${columns.join(' | ')} |`);
console.log(`|---|---|${columns.map(() => '---').join('|')}|`);
const sums = runs.map(() => ({ n: 0, s: columns.map(() => 0) }));
const ids = [...new Set(runs.flatMap((r) => r.report.subjects.map((s) => s.id)))].sort((a, b) => a - b);
for (const id of ids) {
  runs.forEach((run, r) => {
    const subject = run.report.subjects.find((s) => s.id === id);
    const v = subject?.variants[variant];
    if (!subject || !v) return;
    const values = pick(v);
    values.forEach((x, k) => { sums[r]!.s[k]! += x; });
    sums[r]!.n++;
    console.log(`| ${id} ${subject.name} | ${run.label} | ${values.map(fmt).join(' | ')} |`);
  });
}
runs.forEach((run, r) => {
  const { n, s } = sums[r]!;
  console.log(`| **mean (${n})** | ${run.label} | ${s.map((x, k) => `**${fmt(x / n, k)}**`).join(' | ')} |`);
});
for (const run of runs) console.log(`\n${run.label}: ${run.report.date}, load ${run.report.machine?.loadavgStart?.join('/') ?? '?'} → ${run.report.machine?.loadavgEnd?.join('/') ?? '?'}`);
