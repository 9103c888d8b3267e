/**
 * One-way rooms (issue #21, docs/architecture.md "Layers"): the rooms of src/ form a written layer order and
 * a room imports only rooms below it; a room that has an index.ts is entered through it; product code
 * does not depend on its benchmark (no file under src/ outside src/bench/ imports src/bench/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../src/core/version.js';

/**
 * The layer order, lowest first: a room may import the rooms before it, never one after it. Derived from
 * the imports as they stand (scripts of the issue listed every room → room edge). docs/architecture.md
 * carries the same list; change both together.
 */
export const LAYERS = [
  'core', 'render', 'body', 'subject', 'ingest', 'nn', 'splat', 'motion', 'perceive', 'fit', 'shape', 'texture', 'sim',
  'generate', 'avatar', 'train', 'export', 'animate', 'capture', 'viewer', 'pipeline', 'serve', 'cli', 'bench',
] as const;

/**
 * Known debts: `importing file → imported file` (paths relative to src/) that break the layer or index rule
 * and are not fixed yet. Each needs a reason. The tests print them; empty is the goal.
 */
const KNOWN_DEBTS: ReadonlyArray<{ edge: string; why: string }> = [];

/**
 * Modules bundled into the browser viewer (everything reachable from src/viewer/web/) import the pure inner
 * files of lower rooms directly: an index.ts re-exports Node-only modules (fs, sharp, worker_threads) that
 * Vite cannot bundle.
 */
const BROWSER_ENTRY = join('viewer', 'web');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** The module specifiers a file imports or re-exports (static and dynamic). */
function importedSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push((m[1] ?? m[2])!);
  return found;
}

/** One relative import between files of src/ (paths relative to src/, `.ts`). */
interface Edge { from: string; to: string }

/** The room of a path relative to src/ ('' for a file at the top of src/, e.g. src/index.ts). */
function roomOf(rel: string): string {
  const i = rel.indexOf(sep);
  return i < 0 ? '' : rel.slice(0, i);
}

/** Every relative import of every file of src/, resolved to a path relative to src/. */
function importEdges(src: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(src))
    for (const spec of importedSpecifiers(readFileSync(file, 'utf8')))
      if (spec.startsWith('.')) edges.push({ from: relative(src, file), to: relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts') });
  return edges;
}

/** The files reachable by imports from the browser entry (the viewer page's bundle). */
function browserClosure(edges: Edge[]): Set<string> {
  const out = new Set<string>();
  const stack = [...new Set(edges.map((e) => e.from).filter((f) => f.startsWith(BROWSER_ENTRY + sep)))];
  while (stack.length) {
    const f = stack.pop()!;
    if (out.has(f)) continue;
    out.add(f);
    for (const e of edges) if (e.from === f) stack.push(e.to);
  }
  return out;
}

/**
 * The rule violations among `edges`: upward imports (against LAYERS), inner-file imports of a room that has
 * an index.ts (`hasIndex`), imports of bench/ from product code. Each as `from → to (rule)`.
 */
export function violations(edges: Edge[], hasIndex: (room: string) => boolean, browser: ReadonlySet<string>): string[] {
  const rank = new Map<string, number>(LAYERS.map((r, i) => [r, i]));
  const out: string[] = [];
  for (const { from, to } of edges) {
    const a = roomOf(from), b = roomOf(to);
    if (a === b) continue;
    if (b === 'bench' && a !== 'bench') out.push(`${from} → ${to} (product imports the benchmark room)`);
    else if (a !== '' && (rank.get(b) ?? Infinity) >= (rank.get(a) ?? -1)) out.push(`${from} → ${to} (upward: ${a} is below ${b} in the layer order)`);
    if (hasIndex(b) && to !== join(b, 'index.ts') && !browser.has(from)) out.push(`${from} → ${to} (enter ${b}/ through its index.ts)`);
  }
  return out;
}

const src = join(packageRoot(), 'src');

test('every room of src/ has a place in the layer order', () => {
  const rooms = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  assert.deepEqual(rooms, [...LAYERS].sort());
});

test('rooms import only rooms below them, through their index.ts, and never the benchmark room', () => {
  const edges = importEdges(src);
  assert.ok(new Set(edges.map((e) => e.from)).size > 100, `expected the whole product tree, saw ${edges.length} imports`);
  const browser = browserClosure(edges);
  assert.ok(browser.has(join('avatar', 'pose.ts')), 'the browser closure reaches the avatar posing the viewer bundles');
  const hasIndex = (room: string) => existsSync(join(src, room, 'index.ts'));
  const debts = new Set(KNOWN_DEBTS.map((d) => d.edge));
  for (const d of KNOWN_DEBTS) console.log(`known layering debt: ${d.edge} — ${d.why}`);
  const found = violations(edges, hasIndex, browser).filter((v) => !debts.has(v.slice(0, v.indexOf(' ('))));
  assert.deepEqual(found, [], `imports against the layer rules (docs/architecture.md, "Layers"):\n${found.join('\n')}`);
});

test('the rule checker reports an upward import, a bypassed index and a product import of the benchmark', () => {
  const edges: Edge[] = [
    { from: join('body', 'fk.ts'), to: join('core', 'rotation.ts') }, // downward, core has no index: fine
    { from: join('body', 'fk.ts'), to: join('train', 'config.ts') }, // upward and bypassing train's index
    { from: join('fit', 'energy.ts'), to: join('body', 'types.ts') }, // bypassing body's index
    { from: join('fit', 'energy.ts'), to: join('body', 'index.ts') }, // fine
    { from: join('avatar', 'pose.ts'), to: join('body', 'fk.ts') }, // browser-bundled: fine
    { from: join('fit', 'energy.ts'), to: join('bench', 'subjects.ts') },
    { from: join('bench', 'protocol.ts'), to: join('cli', 'index.ts') }, // bench is the top layer: fine
  ];
  const found = violations(edges, (room) => room === 'body' || room === 'train', new Set([join('avatar', 'pose.ts')]));
  assert.deepEqual(found, [
    `${join('body', 'fk.ts')} → ${join('train', 'config.ts')} (upward: body is below train in the layer order)`,
    `${join('body', 'fk.ts')} → ${join('train', 'config.ts')} (enter train/ through its index.ts)`,
    `${join('fit', 'energy.ts')} → ${join('body', 'types.ts')} (enter body/ through its index.ts)`,
    `${join('fit', 'energy.ts')} → ${join('bench', 'subjects.ts')} (product imports the benchmark room)`,
  ]);
});

test('the import scanner sees static, re-export and dynamic imports', () => {
  const text = "import { a } from '../bench/x.js';\nexport { b } from './y.js';\nconst c = await import('../z.js');\nimport type {\n  T,\n} from '../t.js';";
  assert.deepEqual(importedSpecifiers(text), ['../bench/x.js', './y.js', '../z.js', '../t.js']);
});
