/**
 * Cancellation: Ctrl-C (SIGINT) and SIGTERM become an aborted AbortSignal that every long loop checks
 * at a yield point (`await yieldToSignals()` once per frame / iteration / view). A loop that sees it
 * throws {@link InterruptedError} (exit code 130, the shell's 128 + SIGINT), its `finally`/`catch`
 * blocks remove partial output, and the CLI exits. A second Ctrl-C, or work that does not reach a yield
 * point within {@link FORCED_EXIT_MS}, exits at once after the synchronous exit hooks (which remove
 * registered temporary files and release locks) have run.
 *
 * Why a yield point: a signal is delivered through the event loop, so a loop that only awaits resolved
 * promises (microtasks) never lets the handler run; `setImmediate` goes through the loop's poll phase.
 */
import { PersonaError } from './errors.js';

/** Exit code of an interrupted command: 128 + SIGINT (2), as shells report it. */
export const INTERRUPT_EXIT_CODE = 130;
/** How long after the first Ctrl-C the work may take to stop on its own before the process exits anyway. */
export const FORCED_EXIT_MS = 2000;

/** Thrown by a long loop that was cancelled. */
export class InterruptedError extends PersonaError {
  constructor(what = 'Interrupted') {
    super(`${what}: stopped by Ctrl-C; nothing partial was kept.`, {
      hint: 'Run the same command again to redo it (subject stages resume where they stopped).',
      exitCode: INTERRUPT_EXIT_CODE,
    });
    this.name = 'InterruptedError';
  }
}

let controller = new AbortController();
let installed = false;
const exitHooks = new Set<() => void>();

/** The process-wide cancellation signal (aborted by Ctrl-C / SIGTERM once the CLI installed its handlers). */
export function interruptSignal(): AbortSignal {
  return controller.signal;
}

/** Throws {@link InterruptedError} when `signal` (default: the process-wide one) is aborted. */
export function throwIfInterrupted(signal: AbortSignal = controller.signal, what?: string): void {
  if (signal.aborted) throw new InterruptedError(what);
}

/**
 * A yield point for long loops: lets pending signal handlers and I/O run, then throws
 * {@link InterruptedError} if the work was cancelled. Costs a few microseconds.
 */
export async function yieldToSignals(signal: AbortSignal = controller.signal, what?: string): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfInterrupted(signal, what);
}

/**
 * Registers a synchronous clean-up (remove a temp file, release a lock) that must run however the
 * process ends: normal exit, an error, or a forced exit after Ctrl-C. Returns the unregister function.
 */
export function onExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => { exitHooks.delete(hook); };
}

function runExitHooks(): void {
  for (const hook of [...exitHooks]) {
    exitHooks.delete(hook);
    try { hook(); } catch { /* best effort while exiting */ }
  }
}
process.on('exit', runExitHooks);

/**
 * Installs the SIGINT / SIGTERM handlers of the CLI (idempotent). The first signal aborts
 * {@link interruptSignal}; a second one, or {@link FORCED_EXIT_MS} without the work stopping, exits 130.
 */
export function installInterruptHandlers(forcedExitMs = FORCED_EXIT_MS): void {
  if (installed) return;
  installed = true;
  const forceExit = (): void => {
    process.stderr.write('persona: interrupted\n');
    process.exit(INTERRUPT_EXIT_CODE); // 'exit' runs the clean-up hooks
  };
  const onSignal = (): void => {
    if (controller.signal.aborted) return forceExit();
    controller.abort();
    setTimeout(forceExit, forcedExitMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Tests: a fresh, un-aborted process-wide signal. Returns the controller so a test can abort it. */
export function resetInterruptForTests(): AbortController {
  controller = new AbortController();
  return controller;
}
