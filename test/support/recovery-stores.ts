import { configuredTokens } from '../../src/core/tokens.js';
import type { ServiceClient } from '../../src/http/service-client.js';
import type { ModuleContext } from '../../src/services/module.js';
import { MODULES } from '../../src/services/modules.js';
import { noNotes } from '../../src/services/note.js';
import { openDatabase, type StorePlace } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { RecoveryPass, type RecoveryCounts } from '../../src/system/recovery.js';
import type { ServiceName } from '../../src/system/wiring.js';
import { Recorder } from '../../src/tracing/recorder.js';
import { RecordingDb, type Ran } from './recording-db.js';

/** Tables that grow with orders and users: a full scan of one in the recovery pass is a defect. */
export const GROWING_TABLES = ['users', 'accounts', 'payments', 'ledger', 'refunds', 'idempotency_keys', 'orders', 'order_history', 'order_waiters', 'notifications', 'profiles', 'waiting_notifications', 'waiting_details', 'inbox', 'outbox'];

/** The statements one recovery pass ran, by service, and what the pass did. */
export interface RecordedPass {
  counts: RecoveryCounts;
  ran: { service: ServiceName; db: RecordingDb; statements: Ran[] }[];
  close(): void;
}

/**
 * Every service's real store on `place`, its module's own recovery jobs, and one real recovery pass over them, every
 * statement noted. Another service is never reachable here: a pass that had to call one (something old looked stuck) fails.
 */
export async function recordRecoveryPass(place: StorePlace, tokensDir: string): Promise<RecordedPass> {
  const http = {
    call: async () => {
      throw new Error('the recovery pass called another service: it found old work to do');
    },
  } as unknown as ServiceClient;
  const opened = (Object.keys(MODULES) as ServiceName[]).map((service) => {
    const module = MODULES[service];
    const db = new RecordingDb(openDatabase(place, module.name, module.schema, { migrate: module.migrate }));
    const store = new Store(db);
    const ctx: ModuleContext = { store, note: noNotes, tokens: configuredTokens(tokensDir), http, edge: [] };
    const parts = module.create(ctx);
    return { service, db, store, jobs: module.recovery?.(parts, ctx) ?? [] };
  });
  for (const o of opened) o.db.recording = true;
  const pass = new RecoveryPass({ jobs: opened.flatMap((o) => o.jobs), stores: opened.map((o) => o.store), recorder: new Recorder(false) });
  const counts = await pass.run();
  for (const o of opened) o.db.recording = false;
  return {
    counts,
    ran: opened.map((o) => ({ service: o.service, db: o.db, statements: o.db.ran })),
    close: () => opened.forEach((o) => o.store.close()),
  };
}
