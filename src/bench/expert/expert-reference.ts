import type { Server } from 'node:http';
import type { Express } from 'express';
import { Tokens } from '../../core/tokens.js';
import { closeServer, listen } from '../../http/service-app.js';
import { expertAgent } from './expert-http.js';
import { expertBilling } from './expert-billing.js';
import { EXPERT_ORDER_PATH, expertGateway } from './expert-gateway.js';
import { expertIdentity } from './expert-identity.js';
import { expertNotification } from './expert-notification.js';
import { expertOrder } from './expert-order.js';
import { ExpertOutbox } from './expert-outbox.js';
import { openExpertStores, type ExpertStores } from './expert-stores.js';
import { prepareExpertUsers, type ExpertUser } from './expert-users.js';

/** The HTTP exchanges of one order through the reference, the client's included: client→gateway→order, order→billing, order→notification, notification→identity. */
export const EXPERT_HOPS = 5;

/** The expert reference, running: where to order, as whom, and what its databases say. */
export interface ExpertReference {
  url: string;
  path: string;
  users: ExpertUser[];
  /** The temporary data dir of its SQLite files (deleted at close). */
  dir: string;
  stores: ExpertStores;
  /** Deletes the outbox rows sent so far (what the next batch would): the reference is then quiet. */
  settle(): void;
  /** Orders created at or after `since` (epoch ms) that reached a final status. */
  completedSince(since: number): number;
  /** Closes its servers and databases and deletes its data dir; once, however often called. */
  close(): Promise<void>;
}

/**
 * The http style's order path written lean, as an expert would: the same five hops on express and undici
 * (keep-alive, Nagle off), the services' own SQLite schemas and pragmas, the same durable writes (the order;
 * the payment as a conditional debit + ledger + payment in one transaction; the settle + an outbox row in one
 * transaction; the notification), zod at every hop, tokens verified once and cached; sent outbox rows deleted in
 * batches. `balanceCents` is each customer's deposit.
 */
export async function startExpertReference(users: number, balanceCents: number): Promise<ExpertReference> {
  const stores = openExpertStores();
  const agent = expertAgent();
  const servers: Server[] = [];
  const serve = async (app: Express) => {
    const started = await listen(app);
    servers.push(started.server);
    return started.url;
  };
  const outbox = new ExpertOutbox(stores.db.order);
  let closing: Promise<void> | undefined;
  try {
    const tokens = new Tokens();
    const identity = await serve(expertIdentity(stores.db.identity));
    const billing = await serve(expertBilling(stores.db.billing));
    const notification = await serve(expertNotification(stores.db.notification, agent, identity));
    const order = await serve(expertOrder(stores.db.order, outbox, agent, { billing, notification }));
    const gateway = await serve(expertGateway(tokens, agent, order));
    const completed = stores.db.order.prepare(`SELECT COUNT(*) AS n FROM orders WHERE created_at >= ? AND status <> 'pending'`);
    return {
      url: gateway,
      path: EXPERT_ORDER_PATH,
      users: await prepareExpertUsers(stores, tokens, users, balanceCents),
      dir: stores.dir,
      stores,
      settle: () => outbox.flush(),
      completedSince: (since) => (completed.get(new Date(since).toISOString()) as { n: number }).n,
      close: () =>
        (closing ??= (async () => {
          await Promise.all(servers.map((s) => closeServer(s)));
          await agent.close();
          outbox.flush();
          stores.close();
        })()),
    };
  } catch (error) {
    await Promise.all(servers.map((s) => closeServer(s)));
    await agent.close();
    stores.close();
    throw error;
  }
}
