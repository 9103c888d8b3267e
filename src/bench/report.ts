/**
 * Markdown tables of a synthetic benchmark report, and the update of docs/benchmarks.md between markers
 * (`<!-- bench:<mode>:start -->` … `<!-- bench:<mode>:end -->`), leaving everything else untouched.
 */
import type { BenchReport, MeanScores, VariantName } from './protocol.js';

/** Report-against targets (issue #11; not test assertions). */
export const TARGETS = { novelPsnr: 26, novelSsim: 0.95, photoPsnr: 30 } as const;

const f = (x: number | undefined, d = 2): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

/** Which metric each ablation is expected to lower (issue #11), as [label, getter]. */
const EXPECTED: Partial<Record<VariantName, Array<[string, (s: NonNullable<BenchReport['summary']['full']>) => number]>>> = {
  noBalanced: [['photo PSNR', (s) => s.photo.psnr], ['face PSNR (photo view)', (s) => s.photo.regions.face ?? NaN], ['face PSNR (novel, refined)', (s) => s.novelRefined.regions.face ?? NaN]],
  noGeometryWeighting: [['novel IoU (refined)', (s) => s.novelRefined.iou], ['novel sharpness (refined)', (s) => s.novelRefined.sharpness]],
  noPoseOffsets: [['clothing PSNR, held-out motions (refined)', (s) => s.heldOutMotionRefined.regions.clothing ?? NaN], ['clothing PSNR, all novel (refined)', (s) => s.novelRefined.regions.clothing ?? NaN]],
};

function scoreCells(m: MeanScores): string[] {
  return [f(m.psnr), f(m.ssim, 3), f(m.psnrFull), f(m.iou, 3), f(m.regions.face), f(m.regions.hands), f(m.regions.clothing), f(m.sharpness)];
}

/** The Markdown section of a report. */
export function reportMarkdown(r: BenchReport, jsonPath: string): string {
  const s = r.settings;
  const lines: string[] = [];
  lines.push(`Run \`${s.mode}\` of ${r.date.slice(0, 16).replace('T', ' ')} UTC (${jsonPath}); ${r.machine.cpus} cores (${r.machine.cpuModel}), Node ${r.machine.node}, ` +
    `load average ${r.machine.loadavgStart.map((x) => x.toFixed(1)).join('/')} at the start and ${r.machine.loadavgEnd.map((x) => x.toFixed(1)).join('/')} at the end (shared machine: timings are noisy). ` +
    `Total ${f(r.totalSeconds / 60, 1)} min, peak RSS ${f(r.peakRssMiB, 0)} MiB.`);
  lines.push('');
  lines.push(`Settings: subjects ${s.subjects.join(', ')}; quality \`${s.quality}\`; training motions ${s.motions.join(', ')} × ${s.framesPerClip} frames; ` +
    `${r.subjects[0]?.variants.full?.train.iterations ?? s.iterations ?? '?'} iterations for every variant; test poses: ${s.posesPerMotion} per training motion (between training frames) and per held-out motion (${s.heldOutMotions.join(', ')}); ` +
    `yaws ${s.yawsDeg.join(', ')}°; evaluation ${s.evalWidth}×${s.evalHeight}; refinement ${s.refineEvaluations} renders.`);
  lines.push('');
  lines.push('Mean over subjects and test views. PSNR/SSIM over the union of the two silhouettes on white; "full" PSNR over the whole image; regions are PSNR over ground-truth face/hand/clothing pixels; sharpness = gradient energy of the render ÷ the truth\'s.');
  lines.push('');
  lines.push(row(['variant', 'view', 'PSNR', 'SSIM', 'PSNR full', 'IoU', 'face', 'hands', 'clothing', 'sharpness']));
  lines.push(row(Array(10).fill('---')));
  for (const [v, m] of Object.entries(r.summary)) {
    if (!m) continue;
    lines.push(row([v, 'photo', ...scoreCells(m.photo)]));
    lines.push(row([v, 'novel raw', ...scoreCells(m.novelRaw)]));
    lines.push(row([v, 'novel refined', ...scoreCells(m.novelRefined)]));
    lines.push(row([v, 'held-out motion, refined', ...scoreCells(m.heldOutMotionRefined)]));
  }
  lines.push('');
  const full = r.summary.full;
  if (full) {
    lines.push(`Targets (full method): novel-pose PSNR ≥ ${TARGETS.novelPsnr} dB — measured ${f(full.novelRefined.psnr)} dB refined (${f(full.novelRaw.psnr)} raw): ${full.novelRefined.psnr >= TARGETS.novelPsnr ? 'met' : '**not met**'}; ` +
      `SSIM ≥ ${TARGETS.novelSsim} — ${f(full.novelRefined.ssim, 3)}: ${full.novelRefined.ssim >= TARGETS.novelSsim ? 'met' : '**not met**'}; ` +
      `photo-view PSNR ≥ ${TARGETS.photoPsnr} dB — ${f(full.photo.psnr)} dB: ${full.photo.psnr >= TARGETS.photoPsnr ? 'met' : '**not met**'}.`);
    lines.push('');
    lines.push(row(['ablation', 'metric expected to drop', 'full', 'ablated', 'dropped?']));
    lines.push(row(Array(5).fill('---')));
    for (const [v, checks] of Object.entries(EXPECTED)) {
      const m = r.summary[v as VariantName];
      if (!m) continue;
      for (const [label, get] of checks!) {
        const a = get(full), b = get(m);
        lines.push(row([v, label, f(a, 3), f(b, 3), Number.isFinite(a) && Number.isFinite(b) ? (b < a ? 'yes' : '**no**') : '–']));
      }
    }
    lines.push('');
  }
  lines.push('Per subject (refined novel views; photo view):');
  lines.push('');
  lines.push(row(['subject', 'variant', 'fit kp px', 'fit IoU', 'photo PSNR', 'photo SSIM', 'photo PSNR in matte (train stage)', 'novel PSNR', 'novel SSIM', 'IoU', 'face', 'hands', 'clothing', 'train s', 's/it', 'eval s']));
  lines.push(row(Array(16).fill('---')));
  for (const sub of r.subjects) {
    for (const [v, x] of Object.entries(sub.variants)) {
      if (!x) continue;
      const n = x.novel.refined;
      lines.push(row([`${sub.id} ${sub.name}`, v, f(sub.fit.keypointPx, 1), f(sub.fit.silhouetteIoU, 3), f(x.photo.psnr), f(x.photo.ssim, 3), f(x.train.photoPsnrAfter), f(n.psnr), f(n.ssim, 3), f(n.iou, 3),
        f(n.regions.face), f(n.regions.hands), f(n.regions.clothing), f(x.train.seconds, 0), f(x.train.secondsPerIteration, 3), f(x.evalSeconds, 0)]));
    }
  }
  lines.push('');
  lines.push('Stage times (s) per subject: ' + r.subjects.map((sub) => `${sub.name}: ` + Object.entries(sub.stageSeconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')).join('; ') + '.');
  return lines.join('\n');
}

/** Replaces (or appends) the marked section of `mode` in a Markdown document. */
export function replaceSection(doc: string, mode: string, body: string, heading: string): string {
  const start = `<!-- bench:${mode}:start -->`, end = `<!-- bench:${mode}:end -->`;
  const block = `${start}\n${heading}\n\n${body}\n${end}`;
  const i = doc.indexOf(start), j = doc.indexOf(end);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}
