import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { makeFolders, makeFoldersSync } from '../../src/core/make-folders.js';

test('folders and their missing parents are made, a folder already there is fine, a file in the way and /proc refuse at once', async () => {
  const root = mkdtempSync(join(tmpdir(), 'orderctl-folders-'));
  try {
    await makeFolders(join(root, 'a/b/c'));
    makeFoldersSync(join(root, 'x/y'), 0o700);
    expect(statSync(join(root, 'a/b/c')).isDirectory()).toBe(true);
    expect(statSync(join(root, 'x/y')).mode & 0o777).toBe(0o700);
    await makeFolders(join(root, 'a/b/c'));
    await Promise.all([1, 2, 3].map(() => makeFolders(join(root, 'p/q'))));
    writeFileSync(join(root, 'file'), '');
    await expect(makeFolders(join(root, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeFolders(join(root, 'file/sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    // Node's own recursive mkdir never returns here.
    await expect(makeFolders('/proc/nope/deeper')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => makeFoldersSync('/proc/nope/deeper')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  } finally {
    rmSync(root, { recursive: true });
  }
});
