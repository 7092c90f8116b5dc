import type { Express, RequestHandler } from 'express';
import type { Tokens } from '../core/tokens.js';
import type { ServiceClient } from '../http/service-client.js';
import type { Db } from '../storage/database.js';
import type { Store } from '../storage/store.js';
import type { RecoveryJob } from '../system/recovery.js';
import type { ServiceName, Wiring } from '../system/wiring.js';
import type { Note } from './note.js';

/** What boot hands a service module in the process that runs it. */
export interface ModuleContext {
  /** The service's own database (with its outbox and inbox). */
  store: Store;
  /** Records a local state change of the service on the current trace. */
  note: Note;
  /** Identity signs access tokens with it, the gateway checks them. */
  tokens: Tokens;
  /** The service's REST client to the others. */
  http: ServiceClient;
  /** Middleware every request passes first (counting requests in flight, added latency). */
  edge: RequestHandler[];
}

/**
 * One service, declared once: its tables, its logic over them, its HTTP API and its part of the
 * recovery pass. Its consumers and what its relay sends are its sides of the variant's links
 * (`src/system/links/`); boot gives it a store, an outbox relay (unless `outbox` is false) and a bus.
 */
export interface ServiceModule<Parts = any> {
  name: ServiceName;
  /** Its tables (SQL); every store also holds the messaging tables. */
  schema: string;
  /** False for a service that sends nothing through an outbox (the gateway publishes directly). */
  outbox?: boolean;
  /** Makes the service's logic over its store. */
  create(ctx: ModuleContext): Parts;
  /** Puts its parts where the links of the variant find them. */
  expose(parts: Parts, w: Wiring): void;
  /** Its HTTP API; called once the links are wired. */
  app(parts: Parts, ctx: ModuleContext, w: Wiring): Express;
  /** Brings a database made by an earlier version up to `schema` (run when the store opens, with the schema). */
  migrate?(db: Db): void;
  /** Its share of the recovery pass: what it drives to an end when it is stuck. */
  recovery?(parts: Parts, ctx: ModuleContext): RecoveryJob[];
  /** Ends what would hold its server open at shutdown (long-lived streams), before the server closes. */
  close?(parts: Parts): void;
}

/** Declares a service module (typed by its parts). */
export const defineService = <Parts>(module: ServiceModule<Parts>): ServiceModule<Parts> => module;
