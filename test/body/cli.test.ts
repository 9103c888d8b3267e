import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseExpressionSpec, parseShapeSpec, registerBody } from '../../src/cli/body.js';
import { PersonaError } from '../../src/core/errors.js';

test('parseShapeSpec reads semantic values and raw betas, rejects bad input', () => {
  assert.deepEqual(parseShapeSpec('gender=0.2,weight=0.7'), { phenotype: { gender: 0.2, weight: 0.7 } });
  assert.deepEqual(parseShapeSpec('default'), { phenotype: {} });
  assert.deepEqual(parseShapeSpec('beta=0.5,-1'), { beta: [0.5, -1] });
  assert.throws(() => parseShapeSpec('girth=0.2'), PersonaError);
  assert.throws(() => parseShapeSpec('weight=1.7'), PersonaError);
});

test('persona body render writes a PNG with the person on it; info lists the skeleton', async () => {
  // In-process (only the body command is registered), so other rooms' commands are not loaded.
  const run = async (...args: string[]): Promise<void> => {
    const program = new Command().exitOverride().option('--quiet').option('--log-json');
    registerBody(program);
    await program.parseAsync(['node', 'persona', '--quiet', ...args]);
  };
  const out = join(mkdtempSync(join(tmpdir(), 'persona-body-')), 'body.png');
  await run('body', 'render', '--shape', 'gender=0.8', '--pose', 'walk', '--views', 'front,side', '--size', '96', '--out', out);
  const { data, info } = await sharp(readFileSync(out)).raw().toBuffer({ resolveWithObject: true });
  assert.ok(info.height > 96);
  let dark = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 200) dark++;
  assert.ok(dark > 300, `only ${dark} non-background pixels`);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string) => { chunks.push(String(c)); return true; }) as typeof process.stdout.write;
  try { await run('body', 'info'); } finally { process.stdout.write = write; }
  assert.match(chunks.join(''), /joints: 55/);
  await assert.rejects(run('body', 'render', '--pose', 'dance', '--out', out), /unknown test pose/);
});

test('parseExpressionSpec reads unit weights, jaw angle and neutral', () => {
  const e = parseExpressionSpec('mouth-open=0.6,jaw=0.3', ['smile', 'mouth-open'], ['head', 'jaw']);
  assert.deepEqual(Array.from(e.weights), [0, 0.6]);
  assert.equal(e.jaw, 0.3);
  assert.equal(e.jawIndex, 1);
  assert.deepEqual(Array.from(parseExpressionSpec('neutral', ['a'], []).weights), [0]);
  assert.throws(() => parseExpressionSpec('frown=1', ['a'], []), PersonaError);
  assert.throws(() => parseExpressionSpec('jaw=0.2', ['a'], ['head']), PersonaError);
});
