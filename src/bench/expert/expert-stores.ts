import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODULES } from '../../services/modules.js';
import { openDatabase, type Db } from '../../storage/database.js';

/** The services whose databases the expert reference writes, by the names the services give them. */
export const EXPERT_SERVICES = ['identity', 'billing', 'order', 'notification'] as const;
/** One of them. */
export type ExpertService = (typeof EXPERT_SERVICES)[number];

/** The reference's databases: each service's own SQLite file, schema and pragmas, in a temporary data dir. */
export interface ExpertStores {
  dir: string;
  db: Record<ExpertService, Db>;
  /** Closes every database and deletes the data dir. */
  close(): void;
}

/** Opens the databases as the services open theirs (their declared schemas, the messaging tables, the same SqliteDb pragmas) in a fresh temporary dir. */
export function openExpertStores(): ExpertStores {
  const dir = mkdtempSync(join(tmpdir(), 'orderctl-expert-'));
  const opened: Partial<Record<ExpertService, Db>> = {};
  try {
    for (const service of EXPERT_SERVICES) opened[service] = openDatabase(dir, service, MODULES[service].schema, { migrate: MODULES[service].migrate });
  } catch (error) {
    for (const db of Object.values(opened)) db.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const db = opened as Record<ExpertService, Db>;
  return {
    dir,
    db,
    close() {
      for (const one of Object.values(db)) one.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
