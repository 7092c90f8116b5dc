import chalk from 'chalk';

/** What a long-running `serve` tells its operator, one line per event. */
export interface ServeLog {
  /** `event` is a stable name for scripts (`started`, `broker-lost`, …); `message` is for people; `fields` go into the JSON line. */
  info(event: string, message: string, fields?: Record<string, unknown>): void;
  warn(event: string, message: string, fields?: Record<string, unknown>): void;
}

/** Plain lines for a person, or one JSON object per line (`--json-logs`) for a log collector. */
export function serveLog(json: boolean, out: NodeJS.WritableStream = process.stdout): ServeLog {
  const line = (level: 'info' | 'warn', event: string, message: string, fields: Record<string, unknown> = {}) => {
    if (json) out.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, message, ...fields })}\n`);
    else out.write(`${level === 'warn' ? chalk.yellow(message) : message}\n`);
  };
  return { info: (e, m, f) => line('info', e, m, f), warn: (e, m, f) => line('warn', e, m, f) };
}
