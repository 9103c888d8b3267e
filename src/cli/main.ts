import { Command, CommanderError } from 'commander';
import { packageVersion } from '../core/version.js';
import { installInterruptHandlers, INTERRUPT_EXIT_CODE } from '../core/cancel.js';
import { reportError } from './context.js';
import { commands } from './commands.js';

/** Builds the `persona` program with every command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('persona')
    .description('One photo of a person in, an animatable whole-body 3D Gaussian avatar out (CPU-only).')
    .version(packageVersion(), '-V, --version')
    .option('-q, --quiet', 'print only warnings and errors')
    .option('--log-json', 'print progress as JSON lines on stdout')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(str.trimEnd() + '\nhint: run `persona --help` (or `persona <command> --help`).\n'),
    });
  for (const register of commands) register(program);
  // Every subcommand reports usage errors the same way.
  for (const sub of program.commands) sub.exitOverride().showSuggestionAfterError(true);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // usage error: commander has printed the one-line message and our hint
    }
    return reportError(err);
  }
}

// Ctrl-C / SIGTERM cancel the running command at its next yield point (src/core/cancel.ts).
installInterruptHandlers();
process.exitCode = await main(process.argv);
// An interrupted command exits now, even if a worker thread or child process would keep the loop alive.
if (process.exitCode === INTERRUPT_EXIT_CODE) process.exit(INTERRUPT_EXIT_CODE);
