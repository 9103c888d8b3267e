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

/** A file-system failure as a PersonaError that names the path and says what to do. */
export function fsError(err: unknown, path: string, action: string): PersonaError {
  if (err instanceof PersonaError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const hints: Record<string, [string, string]> = {
    EACCES: ['permission denied', 'Choose a folder you can write to, or fix its permissions.'],
    EPERM: ['operation not permitted', 'Choose a folder you can write to, or fix its permissions.'],
    EROFS: ['the file system is read-only', 'Choose a folder on a writable disk.'],
    ENOSPC: ['the disk is full', 'Free some space, or write elsewhere.'],
    EDQUOT: ['the disk quota is exceeded', 'Free some space, or write elsewhere.'],
    ENOTDIR: ['a part of the path is a file, not a folder', 'Choose a path whose parents are folders.'],
    EISDIR: ['it is a folder', 'Give a file path, not a folder.'],
    ELOOP: ['too many symbolic links (a link loop)', 'Fix the symbolic links on the path, or write elsewhere.'],
    ENAMETOOLONG: ['the name is too long', 'Use a shorter path.'],
    ENOENT: ['a folder on the path does not exist', 'Check the path.'],
  };
  const [what, hint] = hints[code ?? ''] ?? [(err as Error)?.message ?? String(err), 'Check the path and its permissions.'];
  return new PersonaError(`Cannot ${action} ${path}: ${what}${code && !hints[code] ? ` (${code})` : ''}.`, { hint, cause: err });
}
