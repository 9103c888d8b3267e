/** Shared helpers of the serve tests: uploads, SSE reading, server/worker processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../src/core/version.js';
import type { JobRecord } from '../../src/serve/types.js';

/** POSTs a photo (bytes or a path) with form fields to /api/jobs; returns the status and the JSON answer. */
export async function upload(base: string, photo: string | { name: string; bytes: Uint8Array }, fields: Record<string, string> = {}): Promise<{ status: number; body: { id?: string; error?: string; hint?: string } }> {
  const file = typeof photo === 'string' ? { name: basename(photo), bytes: await readFile(photo) } : photo;
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(file.bytes)]), file.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await fetch(new URL('api/jobs', base), { method: 'POST', body: form });
  return { status: r.status, body: (await r.json()) as { id?: string; error?: string } };
}

export async function getJob(base: string, id: string): Promise<JobRecord> {
  const r = await fetch(new URL(`api/jobs/${id}`, base));
  if (!r.ok) throw new Error(`GET job ${id}: HTTP ${r.status}`);
  return (await r.json()) as JobRecord;
}

/**
 * Reads the job's SSE stream, calling `onEvent` with every record, until `until` holds for one (returns it)
 * or the timeout passes (throws with the last record seen).
 */
export async function watchJob(base: string, id: string, until: (j: JobRecord) => boolean, timeoutMs: number, onEvent?: (j: JobRecord) => void): Promise<JobRecord> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let last: JobRecord | undefined;
  try {
    const r = await fetch(new URL(`api/jobs/${id}/events`, base), { signal: abort.signal });
    if (!r.ok || !r.body) throw new Error(`events: HTTP ${r.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let k: number;
      while ((k = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, k);
        buffer = buffer.slice(k + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        last = JSON.parse(data.slice(6)) as JobRecord;
        onEvent?.(last);
        if (until(last)) return last;
      }
    }
    throw new Error('the event stream ended');
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`timed out after ${timeoutMs} ms waiting on job ${id}; last state: ${last ? `${last.state}/${last.stage}` : 'none'}`);
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** A `persona` CLI process started by a test. */
export interface CliProcess { proc: ChildProcess; lines: string[]; exited: Promise<number | null> }

/** Starts `persona <args>`; collects its stderr/stdout lines. */
export function startCli(args: string[]): CliProcess {
  const proc = spawn(process.execPath, [join(packageRoot(), 'bin', 'persona.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  const lines: string[] = [];
  for (const s of [proc.stdout!, proc.stderr!]) createInterface({ input: s }).on('line', (l) => lines.push(l));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}

/** Waits until a line matching `re` has been printed; returns the match. */
export async function waitForLine(p: CliProcess, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const start = Date.now();
  for (;;) {
    for (const l of p.lines) {
      const m = re.exec(l);
      if (m) return m;
    }
    if (p.proc.exitCode !== null) throw new Error(`the process exited (${p.proc.exitCode}) before printing ${re}:\n${p.lines.join('\n')}`);
    if (Date.now() - start > timeoutMs) throw new Error(`no line matching ${re} after ${timeoutMs} ms:\n${p.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `persona --quiet serve … --port 0` and waits for its URL. */
export async function startServeProcess(args: string[]): Promise<CliProcess & { url: string }> {
  const p = startCli(['--quiet', 'serve', '--port', '0', ...args]);
  const m = await waitForLine(p, /^(http:\/\/127\.0\.0\.1:\d+\/)$/, 120_000);
  return { ...p, url: m[1]! };
}

/** Kills a process (SIGKILL by default) and waits for it to end. */
export async function kill(p: CliProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  p.proc.kill(signal);
  await p.exited;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
