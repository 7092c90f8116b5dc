import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.js';

const LOCK = '.orderctl.lock';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Makes this process the only one using a data dir: two systems on one dir would deliver the same
 * journaled messages, release each other's outbox claims and recover the same orders. A lock left by a
 * process that is gone (a `kill -9`) is taken over. Returns how to let go of it.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK);
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (holder && holder !== process.pid && alive(holder)) {
      throw new AppError('USAGE', `the data dir ${dir} is in use by another orderctl (process ${holder}): stop it first, or use another --data-dir`);
    }
    rmSync(file, { force: true });
  }
}
