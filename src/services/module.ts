import type { Express, RequestHandler } from 'express';
import type { Tokens } from '../core/tokens.js';
import type { ServiceClient } from '../http/service-client.js';
import type { Db } from '../storage/database.js';
import type { Store } from '../storage/store.js';
import type { RecoveryJob } from '../system/recovery.js';
import type { PortsOf, ServiceName, ServiceParts } from '../system/wiring.js';
import type { Variant } from '../variants/variant.js';
import type { AbuseLimits } from './gateway/abuse-limits.js';
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
  /** What the public API lets one client do (the gateway applies them); none when absent. */
  limits?: AbuseLimits;
}

/** What a service's linked side looks like before the links ran: its ports still to be given. */
export type Linked<S extends ServiceName> = Omit<ServiceParts[S], 'ports'> & { ports: Partial<PortsOf<S>> };

/**
 * One service, declared once: its tables, the domain events it raises and the ports it cannot work
 * without, its logic over its tables, its HTTP API and its part of the recovery pass. Its consumers,
 * what its relay sends and the ports it gets are its sides of the variant's links (`src/system/links/`);
 * boot gives it a store, an outbox relay (unless `outbox` is false) and a bus.
 */
export interface ServiceModule<Parts = any, S extends ServiceName = ServiceName> {
  name: S;
  /** Its tables (SQL); every store also holds the messaging tables. */
  schema: string;
  /** False for a service that sends nothing through an outbox (the gateway publishes directly). */
  outbox?: boolean;
  /** The domain events its logic raises: a style in which one is carried by no way (nor made unnecessary) is refused. */
  raises?: readonly string[];
  /** The ports it cannot work without: a style in which no way gives one is refused. */
  needs?: readonly (keyof PortsOf<S> & string)[];
  /** Makes the service's logic over its store. */
  create(ctx: ModuleContext): Parts;
  /** What its sides of the links work with: its logic, its flow, and the ports object its flow reads (filled by the links, then frozen). */
  linked(parts: Parts): Linked<S>;
  /** Its HTTP API; made once the links are wired, with its finished ports. */
  app(parts: Parts, ctx: ModuleContext, wired: { variant: Variant; ports: PortsOf<S> }): Express;
  /** Brings a database made by an earlier version up to `schema` (run when the store opens, with the schema). */
  migrate?(db: Db): void;
  /** Its share of the recovery pass: what it drives to an end when it is stuck. */
  recovery?(parts: Parts, ctx: ModuleContext): RecoveryJob[];
  /** Ends what would hold its server open at shutdown (long-lived streams), before the server closes. */
  close?(parts: Parts): void;
}

/** Declares a service module (typed by its name and its parts). */
export const defineService = <S extends ServiceName, Parts>(module: ServiceModule<Parts, S>): ServiceModule<Parts, S> => module;
