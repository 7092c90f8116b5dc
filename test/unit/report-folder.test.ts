import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { checkWritableFolder, claimReportFolder } from '../../src/report/report-folder.js';

const tmp = mkdtempSync(join(tmpdir(), 'orderctl-report-folder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('two runs of the same second and style get a folder each, made with its missing parents', async () => {
  const root = join(tmp, 'a', 'b');
  const claimed = await Promise.all([1, 2, 3].map(() => claimReportFolder(root, '20261121-063000-http')));
  expect(new Set(claimed).size).toBe(3);
  expect(readdirSync(root).sort()).toEqual(['20261121-063000-http', '20261121-063000-http-2', '20261121-063000-http-3']);
});

test('a root that can be written is checked without leaving anything behind, even the root itself', async () => {
  await checkWritableFolder(join(tmp, 'not', 'yet'));
  expect(readdirSync(tmp).sort()).toEqual(['a']);
});

test.each([
  ['under /proc, where no folder can be made', '/proc/nope/deeper', 'no folder can be made there'],
  ['under a file', join(tmp, 'file', 'reports'), 'not a folder'],
])('a root %s is refused in one line, as a usage error, by the check and by the claim', async (_what, root, why) => {
  writeFileSync(join(tmp, 'file'), '');
  const line = `cannot write reports in ${root} (${why}): pass another --report-dir`;
  await expect(checkWritableFolder(root)).rejects.toMatchObject({ code: 'USAGE', message: line });
  await expect(claimReportFolder(root, 'x')).rejects.toMatchObject({ code: 'USAGE', message: line });
});
