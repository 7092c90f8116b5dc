import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { benchReportSchema, type BenchReport } from './bench-report-schema.js';

/** A `--baseline` that cannot serve: missing, unreadable, or not a bench report. Its message is one line. */
export class BaselineError extends Error {
  constructor(file: string, problem: string) {
    super(`--baseline ${file}: ${problem}`.replace(/\s*\n\s*/g, ' '));
    this.name = 'BaselineError';
  }
}

/** Reads a stored bench report: report.json of a bench's report folder (or the folder itself), or what `bench --json` printed. */
export async function readBaseline(file: string): Promise<BenchReport> {
  let text: string;
  try {
    const path = (await stat(file)).isDirectory() ? join(file, 'report.json') : file;
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BaselineError(file, code === 'ENOENT' ? 'no such file (give the report.json a bench wrote, or what bench --json printed)' : `cannot be read (${code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(file, `not a bench report: not JSON (${(error as Error).message})`);
  }
  if (!json || typeof json !== 'object' || (json as { tool?: unknown }).tool !== 'orderctl bench') {
    throw new BaselineError(file, 'not a bench report (its "tool" is not "orderctl bench"): give the report.json a bench wrote, or what bench --json printed');
  }
  const parsed = benchReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BaselineError(file, `not a bench report this orderctl reads: ${issue.path.join('.') || 'the report'}: ${issue.message}`);
  }
  return parsed.data;
}
