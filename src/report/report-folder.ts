import { mkdir, mkdtemp, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../core/errors.js';
import { makeFolders } from '../core/make-folders.js';

const WORDS: Record<string, string> = {
  ENOENT: 'no folder can be made there',
  ENOTDIR: 'not a folder',
  EEXIST: 'not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'a read-only file system',
  ENOSPC: 'no space left',
};

/** The one line an unusable report folder is refused with (a usage error: another folder is the fix). */
function refused(root: string, error: unknown, option = '--report-dir', what = 'write reports'): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = (code && WORDS[code]) ?? (error as Error).message.split('\n')[0];
  return new AppError('USAGE', `cannot ${what} in ${root} (${why}): pass another ${option}`);
}

/** The nearest folder that is there: `dir` or one of its parents. */
async function nearestFolder(dir: string): Promise<string> {
  for (let at = dir; ; at = dirname(at)) {
    const found = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && dirname(at) !== at) return undefined;
      throw error;
    });
    if (found?.isDirectory()) return at;
    if (found) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  }
}

/** Checks, before any work, that files can be written under `root` (reports by default; `what` and `option` say which), leaving nothing behind; refuses it in one line (exit 2) if not. */
export async function checkWritableFolder(root: string, option?: string, what?: string): Promise<void> {
  try {
    await rmdir(await mkdtemp(join(await nearestFolder(root), '.orderctl-check-')));
  } catch (error) {
    throw refused(root, error, option, what);
  }
}

/** Writes a report file, making its missing folders first (one at a time, as claimReportFolder does). */
export async function writeReportFile(file: string, text: string, option?: string): Promise<void> {
  try {
    await makeFolders(dirname(file));
    await writeFile(file, text);
  } catch (error) {
    throw refused(dirname(file), error, option);
  }
}

/** Makes a new folder `name` under `root` that no other run has: `name`, else `name-2`, `name-3`, … (made atomically, so two runs never share one). */
export async function claimReportFolder(root: string, name: string): Promise<string> {
  try {
    await makeFolders(root);
    for (let n = 1; ; n++) {
      const dir = join(root, n === 1 ? name : `${name}-${n}`);
      try {
        await mkdir(dir);
        return dir;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1000) throw error;
      }
    }
  } catch (error) {
    throw refused(root, error);
  }
}
