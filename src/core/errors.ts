/**
 * A user-facing failure: a message that says what went wrong and what to do.
 * The CLI prints `message` (and `hint`) without a stack trace and exits with `exitCode`.
 */
export class PersonaError extends Error {
  /** Process exit code: 1 for bad input or failed work, 2 for bad usage. */
  readonly exitCode: number;
  /** One line telling the user what to do next. */
  readonly hint?: string;
  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PersonaError';
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Throws a PersonaError unless `condition` holds. */
export function ensure(condition: unknown, message: string, hint?: string): asserts condition {
  if (!condition) throw new PersonaError(message, { hint });
}
