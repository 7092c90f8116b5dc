import { conflict } from '../../core/errors.js';
import type { Db } from '../../storage/database.js';
import { addMissingColumns } from '../../storage/sql-db.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { noNotes, type Note } from '../note.js';

export const deliverySchema = `
CREATE TABLE IF NOT EXISTS zones (
  city TEXT PRIMARY KEY,
  own_couriers INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS couriers (
  id TEXT PRIMARY KEY,
  busy_with TEXT UNIQUE,
  city TEXT
);
CREATE TABLE IF NOT EXISTS deliveries (
  order_id TEXT PRIMARY KEY,
  city TEXT NOT NULL,
  street TEXT NOT NULL,
  courier_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('failed', 'delivering', 'received', 'returned')),
  reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);`;

/** Brings a delivery database made before zones had couriers of their own up to the schema. */
export function migrateDelivery(db: Db): void {
  addMissingColumns(db, 'zones', { own_couriers: 'INTEGER NOT NULL DEFAULT 0' });
  addMissingColumns(db, 'couriers', { city: 'TEXT' });
}

/** Where an order goes. */
export interface Address {
  city: string;
  street: string;
}

/** A delivery either started (a courier is on the way) or could not, for a reason a customer can read. */
export type Dispatch = { ok: true; courier: string } | { ok: false; reason: string };

/** Where deliveries go by default, and how many couriers there are: enough that they are never the limit of the default catalog. */
export const DEFAULT_ZONES: readonly string[] = ['Amsterdam', 'Berlin', 'Lisbon', 'Paris', 'Vienna'];
export const DEFAULT_COURIERS = 200;

/**
 * Delivery zones, couriers and deliveries. A delivery takes a free courier (one conditional statement),
 * and each step happens once per order however often it is asked.
 */
export class DeliveryService {
  constructor(
    private readonly store: Store,
    private readonly note: Note = noNotes,
  ) {}

  /** Adds zones served by the shared pool of couriers, and couriers to it, that are not there yet (a second load changes nothing). */
  load(zones: readonly string[], couriers: number): void {
    this.store.write(undefined, () => {
      for (const city of zones) this.store.sql('INSERT INTO zones (city) VALUES (?) ON CONFLICT DO NOTHING').run(city);
      for (let n = 1; n <= couriers; n++) this.store.sql('INSERT INTO couriers (id) VALUES (?) ON CONFLICT DO NOTHING').run(`courier-${String(n).padStart(4, '0')}`);
    });
  }

  /** Adds a zone served only by `couriers` couriers of its own (a scenario's scarce zone); a zone already there changes nothing. */
  addZone(city: string, couriers: number): void {
    this.store.write(undefined, () => {
      if (this.store.sql('INSERT INTO zones (city, own_couriers) VALUES (?, 1) ON CONFLICT DO NOTHING').run(city).changes === 0) return;
      for (let n = 1; n <= couriers; n++) this.store.sql('INSERT INTO couriers (id, city) VALUES (?, ?)').run(`${city}-courier-${n}`, city);
    });
  }

  zones(): string[] {
    return (this.store.sql('SELECT city FROM zones ORDER BY city').all() as { city: string }[]).map((z) => z.city);
  }

  /** Hands order `orderId` to a free courier, or says why not; asking again answers the first outcome. Raises DeliveryMade with it each time. */
  start(trace: TraceContext | undefined, orderId: string, address: Address): Dispatch {
    return this.store.write(trace, (): Dispatch => {
      const dispatch = this.startOnce(trace, orderId, address);
      this.store.raise('DeliveryMade', { orderId, ...dispatch });
      return dispatch;
    });
  }

  private startOnce(trace: TraceContext | undefined, orderId: string, address: Address): Dispatch {
    {
      const earlier = this.find(orderId);
      if (earlier) return earlier.state === 'failed' ? { ok: false, reason: earlier.reason ?? 'not delivered' } : { ok: true, courier: earlier.courier_id! };
      const zone = this.store.sql('SELECT own_couriers FROM zones WHERE city = ?').get(address.city) as { own_couriers: number } | undefined;
      let dispatch: Dispatch;
      if (!zone) dispatch = { ok: false, reason: `we do not deliver to ${address.city}` };
      else {
        // A zone with couriers of its own takes one of them; the default zones share the pool (couriers of no city).
        const free = zone.own_couriers ? 'SELECT id FROM couriers WHERE busy_with IS NULL AND city = ? ORDER BY id LIMIT 1' : 'SELECT id FROM couriers WHERE busy_with IS NULL AND city IS NULL ORDER BY id LIMIT 1';
        const taken = this.store.sql(`UPDATE couriers SET busy_with = ? WHERE id = (${free}) AND busy_with IS NULL`).run(orderId, ...(zone.own_couriers ? [address.city] : []));
        const courier = taken.changes === 1 ? (this.store.sql('SELECT id FROM couriers WHERE busy_with = ?').get(orderId) as { id: string }) : undefined;
        dispatch = courier ? { ok: true, courier: courier.id } : { ok: false, reason: 'no courier is free' };
      }
      this.store
        .sql('INSERT INTO deliveries (order_id, city, street, courier_id, state, reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, now_utc(), now_utc())')
        .run(orderId, address.city, address.street, dispatch.ok ? dispatch.courier : null, dispatch.ok ? 'delivering' : 'failed', dispatch.ok ? null : dispatch.reason);
      this.note(trace, dispatch.ok ? 'handed to a courier' : `delivery refused: ${dispatch.reason}`);
      return dispatch;
    }
  }

  /**
   * The order service recorded the customer's receipt: the delivery ends and the courier is free again.
   * Told again (a redelivery, a call made again), it changes nothing; a 409 when the order was never delivering.
   */
  received(trace: TraceContext | undefined, orderId: string): void {
    this.store.write(trace, () => {
      if (this.find(orderId)?.state === 'received') return;
      this.finish(trace, orderId, 'received', 'received by the customer');
    });
  }

  /**
   * A return delivery brings the goods back (a compensation; raises GoodsReturned); asking again
   * changes nothing. Asked before any delivery (the order was cancelled while its delivery was on its
   * way), it records the order as not to be delivered, so the delivery that arrives later is refused.
   */
  bringBack(trace: TraceContext | undefined, orderId: string): boolean {
    return this.store.write(trace, () => {
      const delivery = this.find(orderId);
      if (!delivery) {
        this.store
          .sql(`INSERT INTO deliveries (order_id, city, street, state, reason, created_at, updated_at) VALUES (?, '', '', 'failed', 'order cancelled', now_utc(), now_utc())`)
          .run(orderId);
        return false;
      }
      if (delivery.state !== 'delivering') return delivery.state === 'returned';
      this.finish(trace, orderId, 'returned', 'brought back');
      this.store.raise('GoodsReturned', { orderId });
      return true;
    });
  }

  /** Couriers busy now. */
  busy(): number {
    return (this.store.sql('SELECT COUNT(*) AS n FROM couriers WHERE busy_with IS NOT NULL').get() as { n: number }).n;
  }

  private finish(trace: TraceContext | undefined, orderId: string, state: 'received' | 'returned', note: string): void {
    this.store.write(trace, () => {
      const moved = this.store.sql("UPDATE deliveries SET state = ?, updated_at = now_utc() WHERE order_id = ? AND state = 'delivering'").run(state, orderId);
      if (moved.changes === 0) throw conflict(`order ${orderId} is not being delivered`);
      this.store.sql('UPDATE couriers SET busy_with = NULL WHERE busy_with = ?').run(orderId);
      this.note(trace, note);
    });
  }

  private find(orderId: string) {
    return this.store.sql('SELECT state, courier_id, reason FROM deliveries WHERE order_id = ?').get(orderId) as { state: string; courier_id: string | null; reason: string | null } | undefined;
  }
}
