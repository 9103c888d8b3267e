import type { Command } from 'commander';
import { PersonaError } from '../core/errors.js';
import { writePng, type FloatImage } from '../core/image.js';
import { loadBodyModel, type ArrayBodyModel, type MakeHumanBodyModel } from '../body/index.js';
import { loadSmplx } from '../body/index.js';
import { BodyPoser } from '../body/index.js';
import { namedPose, POSE_NAMES } from '../body/index.js';
import { frameOf, renderBodyViews, type PreviewView } from '../body/index.js';
import { subdivide } from '../body/index.js';
import type { Phenotype } from '../body/index.js';
import { contactSheet } from '../render/index.js';
import { progressFrom } from './context.js';

const PHENO_KEYS = ['gender', 'age', 'muscle', 'weight', 'height', 'proportions', 'african', 'asian', 'caucasian'];

/** Parses `gender=0.2,weight=0.7` (MakeHuman semantic values) or `beta=0.5,-1,…` (raw coefficients). */
export function parseShapeSpec(spec: string): { phenotype?: Partial<Phenotype>; beta?: number[] } {
  const s = spec.trim();
  if (s === '' || s === 'default') return { phenotype: {} };
  if (s.startsWith('beta=')) {
    const beta = s.slice(5).split(/[,\s]+/).filter(Boolean).map(Number);
    if (beta.some((x) => !Number.isFinite(x))) throw new PersonaError(`--shape ${spec}: beta values must be numbers`, { exitCode: 2 });
    return { beta };
  }
  const p: Record<string, number> = {};
  for (const part of s.split(',')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (!k || v === undefined || !PHENO_KEYS.includes(k)) throw new PersonaError(`--shape: cannot read '${part}'`, { hint: `use key=value pairs with keys ${PHENO_KEYS.join(', ')} (values 0–1), or beta=b0,b1,…`, exitCode: 2 });
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0 || x > 1) throw new PersonaError(`--shape: ${k}=${v} must be a number from 0 to 1`, { exitCode: 2 });
    p[k] = x;
  }
  return { phenotype: p as Partial<Phenotype> };
}

/** Parses `mouth-open=0.6,jaw=0.3` (expression units by name; `jaw` = jaw rotation in radians) or `neutral`. */
export function parseExpressionSpec(spec: string, units: string[], joints: string[]): { label: string; weights: Float64Array; jaw?: number; jawIndex: number } {
  const weights = new Float64Array(units.length);
  const jawIndex = joints.indexOf(joints.includes('jaw') ? 'jaw' : '');
  let jaw: number | undefined;
  if (spec.trim() !== 'neutral')
    for (const part of spec.split(',')) {
      const [k, v] = part.split('=').map((x) => x.trim());
      const x = Number(v);
      if (!k || !Number.isFinite(x)) throw new PersonaError(`--expression: cannot read '${part}'`, { hint: 'use unit=weight pairs, e.g. mouth-open=0.6', exitCode: 2 });
      if (k === 'jaw') {
        if (jawIndex < 0) throw new PersonaError('--expression jaw=…: this skeleton has no jaw joint', { exitCode: 2 });
        jaw = x;
        continue;
      }
      const i = units.indexOf(k);
      if (i < 0) throw new PersonaError(`--expression: unknown unit '${k}'`, { hint: `units: ${units.join(', ')}`, exitCode: 2 });
      weights[i] = x;
    }
  return { label: spec.trim().replace(/=/g, ' ').replace(/,/g, ' '), weights, jaw, jawIndex };
}

interface RenderOpts { shape: string[]; pose: string[]; out: string; smplx?: string; views: string; size: number; parts?: boolean; subdivide: number; expression: string[] }

/** `persona body render|info` */
export function registerBody(program: Command): void {
  const body = program.command('body').description('the whole-body model: look at it, check it');
  body
    .command('render')
    .description('shaded render of the body model (rows: shapes; columns: poses × views)')
    .option('--shape <spec>', 'MakeHuman semantic values, e.g. gender=0.2,weight=0.7 (0–1, 0.5 = average), or beta=b0,b1,… (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--pose <name>', `test pose: ${POSE_NAMES.join(', ')} (repeatable)`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .requiredOption('-o, --out <png>', 'output PNG')
    .option('--smplx <npz>', 'use an SMPL-X model file instead of the built-in MakeHuman model (shape must then be beta=…)')
    .option('--views <list>', 'comma-separated views: front, side, back, face (head close-up)', 'front,side,back')
    .option('--size <px>', 'height of each view in pixels', (v) => Number(v), 480)
    .option('--parts', 'colour by body part')
    .option('--subdivide <levels>', 'midpoint-subdivide the mesh first (0–2)', (v) => Number(v), 0)
    .option('--expression <spec>', 'expression unit weights, e.g. mouth-open=0.6,eye-left-closure=1 (MakeHuman names), jaw=<radians>, or neutral (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action(async (opts: RenderOpts, cmd: Command) => {
      const progress = progressFrom(cmd);
      const views = opts.views.split(',').map((v) => v.trim()) as PreviewView[];
      for (const v of views) if (!['front', 'side', 'back', 'face'].includes(v)) throw new PersonaError(`--views: unknown view '${v}'`, { hint: 'use front, side, back, face', exitCode: 2 });
      if (!Number.isInteger(opts.size) || opts.size < 64 || opts.size > 4096) throw new PersonaError('--size must be an integer from 64 to 4096', { exitCode: 2 });
      const base: ArrayBodyModel = opts.smplx ? loadSmplx(opts.smplx) : loadBodyModel();
      const model = subdivide(base, opts.subdivide).model;
      const poser = new BodyPoser(model);
      const shapes = opts.shape.length ? opts.shape : ['default'];
      const poses = opts.pose.length ? opts.pose : ['rest'];
      const expressions = (opts.expression.length ? opts.expression : ['neutral']).map((spec) => parseExpressionSpec(spec, model.expressionNames, model.skeleton.names));
      const meshes: Array<{ vertices: Float64Array; label: string; pose: string }> = [];
      for (const spec of shapes) {
        const s = parseShapeSpec(spec);
        let beta: ArrayLike<number>;
        if (s.beta) beta = s.beta;
        else if (base.kind === 'makehuman') beta = (base as MakeHumanBodyModel).semanticShape(s.phenotype ?? {});
        else throw new PersonaError('semantic --shape values need the MakeHuman model; with --smplx give beta=…', { exitCode: 2 });
        const short = spec === 'default' ? 'average' : spec.replace(/([a-z])[a-z]*=/g, '$1').replace(/,/g, ' ');
        for (const p of poses)
          for (const e of expressions) {
            const pose = namedPose(model, p);
            if (e.jaw !== undefined) pose.rotations[e.jawIndex * 3] += e.jaw;
            const label = `${short} ${p}${expressions.length > 1 ? ` ${e.label}` : ''}`;
            meshes.push({ vertices: poser.forward({ shape: beta, expression: e.weights, pose }).vertices, label, pose: p });
          }
      }
      // One framing per pose, shared by all shapes, so that body sizes compare down a column.
      const frames = new Map(poses.map((p) => [p, frameOf(meshes.filter((x) => x.pose === p).map((x) => x.vertices))]));
      const images: FloatImage[] = [];
      const labels: string[] = [];
      for (const mesh of meshes) {
        const imgs = renderBodyViews(mesh.vertices, model.triangles, { size: opts.size, views, frame: frames.get(mesh.pose), partLabels: opts.parts ? model.partLabels : undefined, headLabels: model.partLabels });
        imgs.forEach((img, i) => { images.push(img); labels.push(i === 0 ? mesh.label : ''); });
      }
      const sheet = contactSheet(images, { columns: poses.length * expressions.length * views.length, labels, padding: 6, labelScale: Math.max(1, Math.round(opts.size / 320)) });
      await writePng(opts.out, sheet);
      progress.info(`body render: ${shapes.length} shape(s) × ${poses.length} pose(s) × ${views.length} view(s) of the ${model.kind} model (${model.vertexCount} vertices) → ${opts.out}`);
    });
  body
    .command('info')
    .description('print the body model: counts, joints, parts, expression units')
    .option('--smplx <npz>', 'describe an SMPL-X model file instead')
    .action((opts: { smplx?: string }) => {
      const m = opts.smplx ? loadSmplx(opts.smplx) : loadBodyModel();
      const lines = [
        `kind: ${m.kind}`,
        `vertices: ${m.vertexCount}, triangles: ${m.triangles.length / 3}, joints: ${m.skeleton.names.length}, skin influences: ${m.skinning.influences}`,
        `shape components: ${m.shapeCount}, expression units: ${m.expressionNames.length}`,
        `joints: ${m.skeleton.names.join(' ')}`,
        `landmarks: ${m.landmarkNames.join(' ') || '(none)'}`,
        `expressions: ${m.expressionNames.join(' ')}`,
      ];
      if (m.kind === 'makehuman') {
        const mh = m as MakeHumanBodyModel;
        lines.push(`compiled: ${(mh.compiledBytes / 1e6).toFixed(2)} MB; ${JSON.stringify(mh.meta.stats)}`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
