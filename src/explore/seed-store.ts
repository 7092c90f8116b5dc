import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeFolders } from '../core/make-folders.js';

/** A case that once broke a rule: tried first on the next exploration of its style. */
export interface StoredSeed {
  variant: string;
  seed: number;
  path: string;
  /** The most actions and faults per run it was drawn with (`--ops`): the same seed and path draw the same case only with it. */
  ops: number;
  problem: string;
  found: string;
}

/** The seeds that once failed, kept in a JSON file (`reports/explore-seeds.json` unless told). */
export class SeedStore {
  constructor(readonly file: string) {}

  async all(): Promise<StoredSeed[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '[]');
    try {
      const parsed = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  async of(variant: string): Promise<StoredSeed[]> {
    return (await this.all()).filter((s) => s.variant === variant);
  }

  /** Keeps a failing case (once per style, seed and path). */
  async add(seed: StoredSeed): Promise<void> {
    const all = await this.all();
    if (all.some((s) => s.variant === seed.variant && s.seed === seed.seed && s.path === seed.path)) return;
    await makeFolders(dirname(this.file));
    await writeFile(this.file, `${JSON.stringify([...all, seed], null, 2)}\n`);
  }
}
