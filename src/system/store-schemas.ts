import { randomBytes } from 'node:crypto';
import { dropSchemas } from '../storage/database.js';
import { SERVICES } from './wiring.js';

/** `--store`: a PostgreSQL database, and the namespace whose schemas are kept (without one: throwaway schemas). */
export interface StoreOption {
  url: string;
  namespace?: string;
}

/** The schemas of a system in PostgreSQL (`<prefix>_<service>`), and how to drop them when they were throwaway. */
export interface StoreSchemas {
  url: string;
  prefix: string;
  /** Drops the schemas when they were throwaway (kept ones stay); false when the server could not be reached to drop them. */
  drop(): boolean;
}

/** A throwaway namespace's name: `run_<hex>`. */
export const throwawayPrefix = () => `run_${randomBytes(4).toString('hex')}`;

/** The schemas `option` names; throwaway ones under `prefix` (a fresh `run_<hex>` unless given) when it names no namespace. */
export function storeSchemas(option: StoreOption, prefix = option.namespace ?? throwawayPrefix()): StoreSchemas {
  let dropped = !!option.namespace;
  return {
    url: option.url,
    prefix,
    drop() {
      if (dropped) return true;
      try {
        dropSchemas(option.url, prefix, SERVICES);
        dropped = true;
        return true;
      } catch {
        // The server is gone (or never was there): what it holds of these schemas stays until someone drops them.
        return false;
      }
    },
  };
}
