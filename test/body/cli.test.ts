import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseShapeSpec } from '../../src/cli/body.js';
import { packageRoot } from '../../src/core/version.js';
import { PersonaError } from '../../src/core/errors.js';

test('parseShapeSpec reads semantic values and raw betas, rejects bad input', () => {
  assert.deepEqual(parseShapeSpec('gender=0.2,weight=0.7'), { phenotype: { gender: 0.2, weight: 0.7 } });
  assert.deepEqual(parseShapeSpec('default'), { phenotype: {} });
  assert.deepEqual(parseShapeSpec('beta=0.5,-1'), { beta: [0.5, -1] });
  assert.throws(() => parseShapeSpec('girth=0.2'), PersonaError);
  assert.throws(() => parseShapeSpec('weight=1.7'), PersonaError);
});

test('persona body render writes a PNG with the person on it; info lists the skeleton', () => {
  const bin = join(packageRoot(), 'bin', 'persona.js');
  const out = join(mkdtempSync(join(tmpdir(), 'persona-body-')), 'body.png');
  execFileSync(process.execPath, [bin, 'body', 'render', '--shape', 'gender=0.8', '--pose', 'walk', '--views', 'front,side', '--size', '96', '--out', out], { stdio: 'pipe' });
  const png = readFileSync(out);
  return sharp(png).raw().toBuffer({ resolveWithObject: true }).then(({ data, info }) => {
    assert.equal(info.height > 96, true);
    let dark = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! < 200) dark++;
    assert.ok(dark > 300, `only ${dark} non-background pixels`);
    const info2 = execFileSync(process.execPath, [bin, 'body', 'info'], { encoding: 'utf8' });
    assert.match(info2, /joints: 54/);
    const bad = spawnSync(process.execPath, [bin, 'body', 'render', '--pose', 'dance', '--out', out], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown test pose/);
  });
});
