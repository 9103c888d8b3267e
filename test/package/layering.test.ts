/**
 * Product code does not depend on its benchmark: no file under src/ outside src/bench/ imports from
 * src/bench/ (synthetic subjects, painted appearances and ground-truth garments are test material).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../../src/core/version.js';

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

test('no product module imports the benchmark room (src/bench)', () => {
  const src = join(packageRoot(), 'src');
  const offenders: string[] = [];
  let checked = 0;
  for (const file of sourceFiles(src)) {
    const rel = relative(src, file);
    if (rel.startsWith(`bench${sep}`)) continue;
    checked++;
    for (const spec of importedSpecifiers(readFileSync(file, 'utf8')))
      if (spec.startsWith('.') && relative(src, join(file, '..', spec)).startsWith(`bench${sep}`)) offenders.push(`${rel} → ${spec}`);
  }
  assert.ok(checked > 100, `expected the whole product tree, saw ${checked} files`);
  assert.deepEqual(offenders, []);
});

test('the import scanner sees static, re-export and dynamic imports', () => {
  const text = "import { a } from '../bench/x.js';\nexport { b } from './y.js';\nconst c = await import('../z.js');\nimport type {\n  T,\n} from '../t.js';";
  assert.deepEqual(importedSpecifiers(text), ['../bench/x.js', './y.js', '../z.js', '../t.js']);
});
