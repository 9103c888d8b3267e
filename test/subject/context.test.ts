import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStageContext, stageContext } from '../../src/subject/context.js';
import { PersonaError } from '../../src/core/errors.js';

test('a stage context resolves its body once, on first use, and a stage handed one uses it', () => {
  const ctx = createStageContext('/tmp/subject', { force: true });
  assert.equal(ctx.bodySpec, 'default');
  assert.equal(ctx.force, true);
  const body = ctx.body();
  assert.ok(body.skeleton.parents.length > 20, 'the default body model');
  assert.equal(ctx.body(), body, 'the same object on the second call');
  // a stage's options with a context: the context wins over the option fields
  assert.equal(stageContext('/tmp/subject', { context: ctx, body: 'smplx:/nowhere.npz', force: false }), ctx);
  // without one, the stage builds its own from its options
  const own = stageContext('/tmp/other', { body: 'default' });
  assert.equal(own.subjectDir, '/tmp/other');
  assert.equal(own.force, false);
});

test('a bad body spec fails when a stage first needs the body, not when the context is built', () => {
  const ctx = createStageContext('/tmp/subject', { body: 'smplx:/nowhere/SMPLX_NEUTRAL.npz' });
  assert.throws(() => ctx.body(), PersonaError);
});
