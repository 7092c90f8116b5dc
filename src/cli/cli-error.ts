import chalk from 'chalk';
import { CommanderError } from 'commander';
import { AppError } from '../core/errors.js';

/** Exit codes CI can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, error: 3 } as const;

/** A failure the CLI reports in one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

/** The single place where a command's error is reported (one line on stderr) and becomes an exit code. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const usage = error instanceof AppError && error.code === 'USAGE';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${chalk.red('orderctl:')} ${message}\n`);
  if (process.env.ORDERCTL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  if (error instanceof CliError) return error.exitCode;
  return usage ? EXIT.usage : EXIT.error;
}
