/**
 * Entry of a work child process (forked by src/serve/child.ts). Serves requests one at a time, sends progress
 * lines and one result per request, and exits when its parent goes away (a killed server leaves no orphans).
 */
import { PersonaError } from '../core/errors.js';
import type { ChildMessage, ChildRequest } from './child.js';
import { checkUpload, exportFile, makeAvatar, progressTo } from './work.js';

const send = (m: ChildMessage): void => {
  process.send?.(m);
};

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.kind) {
    case 'check':
      return checkUpload(req.photo, req.subject, { person: req.person });
    case 'create':
      await makeAvatar(req.photo, req.subject, req.options, progressTo((line) => send({ kind: 'progress', line })));
      return null;
    case 'export':
      return exportFile(req.avatar, req.exports, req.format, { quality: req.quality, motion: req.motion });
  }
}

let queue = Promise.resolve();
process.on('message', (req: ChildRequest) => {
  queue = queue.then(async () => {
    try {
      send({ kind: 'result', ok: true, value: await handle(req) });
    } catch (err) {
      if (err instanceof PersonaError) send({ kind: 'result', ok: false, error: { message: err.message, hint: err.hint } });
      else send({ kind: 'result', ok: false, unexpected: true, error: { message: `unexpected error: ${(err as Error)?.message ?? String(err)}`, hint: 'Retry the job; report it if it happens again.' } });
    }
  });
});
process.on('disconnect', () => process.exit(0));
