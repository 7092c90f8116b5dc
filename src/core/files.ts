import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** The largest scenario or style file read: far beyond any written by hand, far below what would exhaust memory. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Reads a small text file a user names (a scenario, a style): refuses what is not a regular file
 * (a device, a pipe, a folder) and what is larger than `maxBytes`, before reading any of it.
 */
export function readSmallFile(path: string, maxBytes = MAX_INPUT_BYTES): string {
  // Non-blocking: opening a named pipe does not wait for a writer (it is then refused as not a regular file).
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > maxBytes) throw new Error(`${stat.size} bytes: larger than the ${maxBytes} bytes a file here may have`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
