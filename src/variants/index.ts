import { fileURLToPath } from 'node:url';
import { AppError } from '../core/errors.js';
import { loadVariantFile, loadVariantsDir } from './variant-file.js';
import type { Variant } from './variant.js';

/** Where the built-in style files are: `variants/` at the top of the repository (and of the package). */
export const BUILTIN_VARIANTS_DIR = fileURLToPath(new URL('../../variants/', import.meta.url));

/** The built-in styles, in the order they are compared. */
export const variants: readonly Variant[] = loadVariantsDir(BUILTIN_VARIANTS_DIR);

/** Styles of a user's `--variants-dir`, added to the built-in ones. */
const added: Variant[] = [];

/** Adds the styles of a directory (`--variants-dir`); a name a built-in style has is refused. */
export function addVariantsDir(dir: string): Variant[] {
  const found = loadVariantsDir(dir);
  for (const v of found) {
    if (variants.some((b) => b.name === v.name)) throw new AppError('USAGE', `${v.source}: name: ${v.name} is the name of a built-in style; choose another`);
    if (!added.some((a) => a.name === v.name)) added.push(v);
  }
  return found;
}

/** Every style known now: the built-in ones, then those of `--variants-dir`. */
export const knownVariants = (): Variant[] => [...variants, ...added];

/** Is this a path to a style file rather than a style's name? */
export const isVariantPath = (ref: string) => /\.ya?ml$/i.test(ref) || ref.includes('/');

/** A style by name, or the style declared in a file (`./my-style.yaml`). */
export function findVariant(ref: string): Variant {
  if (isVariantPath(ref)) return loadVariantFile(ref);
  const variant = knownVariants().find((v) => v.name === ref);
  if (!variant) throw new AppError('USAGE', `unknown variant "${ref}" (choose one of: ${knownVariants().map((v) => v.name).join(', ')}, all; or give a style file such as ./my-style.yaml)`);
  return variant;
}

/** How another process names this style: its name when built in, else its file. */
export const variantRef = (variant: Variant): string => (variants.includes(variant) ? variant.name : (variant.source ?? variant.name));
