import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const exists = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EEXIST';
const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Makes `dir` and its missing parents one at a time, as `mkdir -p` does; unlike Node's recursive
 * mkdir it returns (ENOENT) where no folder can be made, as under /proc, instead of trying forever.
 * A folder made a moment ago by someone else is fine; a file in the way is ENOTDIR/EEXIST.
 */
export async function makeFolders(dir: string, mode?: number): Promise<void> {
  try {
    await makeFolder(dir, mode);
  } catch (error) {
    if (!missing(error) || dirname(dir) === dir) throw error;
    await makeFolders(dirname(dir), mode);
    // Once more, and only once: where the parent is there and this still cannot be made (procfs), that is the answer.
    await makeFolder(dir, mode);
  }
}

async function makeFolder(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    if (!exists(error) || !(await stat(dir)).isDirectory()) throw error;
  }
}

/** makeFolders, synchronously. */
export function makeFoldersSync(dir: string, mode?: number): void {
  try {
    makeFolderSync(dir, mode);
  } catch (error) {
    if (!missing(error) || dirname(dir) === dir) throw error;
    makeFoldersSync(dirname(dir), mode);
    makeFolderSync(dir, mode);
  }
}

function makeFolderSync(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    if (!exists(error) || !statSync(dir).isDirectory()) throw error;
  }
}
