import { AppError } from '../../core/errors.js';
import type { Store } from '../../storage/store.js';
import type { TraceContext } from '../../tracing/context.js';
import { noNotes, type Note } from '../note.js';

export const stockSchema = `
CREATE TABLE IF NOT EXISTS items (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  initial INTEGER NOT NULL CHECK (initial >= 0),
  available INTEGER NOT NULL CHECK (available >= 0),
  reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),
  returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0)
);
CREATE TABLE IF NOT EXISTS reservations (
  order_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  state TEXT NOT NULL CHECK (state IN ('held', 'released', 'delivered', 'returned')),
  PRIMARY KEY (order_id, sku)
);
CREATE TABLE IF NOT EXISTS reservation_outcomes (
  order_id TEXT PRIMARY KEY,
  ok INTEGER NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL
);`;

/** An item of the catalog, as the public API shows it. */
export interface StockItem {
  sku: string;
  name: string;
  available: number;
  reserved: number;
}

/** One line of an order: how many of which item. */
export interface OrderLine {
  sku: string;
  quantity: number;
}

/** A reservation either holds every line of an order or none, with a reason a customer can read. */
export type Reservation = { ok: true } | { ok: false; reason: string };

/** An item as the catalog is loaded: how many there are to begin with. */
export type CatalogItem = Pick<StockItem, 'sku' | 'name' | 'available'>;

/** The catalog loaded at boot: five items, twenty of each. */
export const DEFAULT_CATALOG: readonly CatalogItem[] = [
  { sku: 'book', name: 'A book', available: 20 },
  { sku: 'lamp', name: 'A desk lamp', available: 20 },
  { sku: 'mug', name: 'A mug', available: 20 },
  { sku: 'pen', name: 'A fountain pen', available: 20 },
  { sku: 'plant', name: 'A potted plant', available: 20 },
];

/** A reservation that could not hold, as a result rather than an exception. */
class Refused extends Error {}

/**
 * Items and what is done with them for orders: reserved (held), released, delivered, returned. Every
 * move is one conditional statement per line, inside one write per order, and each is done once per
 * order however often it is asked: stock is never sold twice nor lost.
 */
export class StockService {
  constructor(
    private readonly store: Store,
    private readonly note: Note = noNotes,
  ) {}

  /** Adds the items that are not in the catalog yet (a second load changes nothing). */
  load(items: readonly CatalogItem[]): void {
    this.store.write(undefined, () => {
      for (const item of items) {
        this.store
          .sql('INSERT INTO items (sku, name, initial, available) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
          .run(item.sku, item.name, item.available, item.available);
      }
    });
  }

  items(): StockItem[] {
    return this.store.sql('SELECT sku, name, available, reserved FROM items ORDER BY sku').all() as StockItem[];
  }

  /**
   * Holds every line of order `orderId`, or none; asking again answers the first outcome and moves
   * nothing. Raises ReservationMade with the outcome each time it is asked (a repeated question gets its answer again).
   */
  reserve(trace: TraceContext | undefined, orderId: string, lines: readonly OrderLine[]): Reservation {
    return this.store.write(trace, (): Reservation => {
      const outcome = this.reserveOnce(trace, orderId, lines);
      this.store.raise('ReservationMade', { orderId, ...outcome });
      return outcome;
    });
  }

  private reserveOnce(trace: TraceContext | undefined, orderId: string, lines: readonly OrderLine[]): Reservation {
    {
      const earlier = this.store.sql('SELECT ok, reason FROM reservation_outcomes WHERE order_id = ?').get(orderId) as { ok: number; reason: string | null } | undefined;
      if (earlier) return earlier.ok ? { ok: true } : { ok: false, reason: earlier.reason ?? 'not reserved' };
      let outcome: Reservation = { ok: true };
      try {
        this.store.savepoint(() => {
          for (const line of mergeLines(lines)) {
            const taken = this.store.sql('UPDATE items SET available = available - ?, reserved = reserved + ? WHERE sku = ? AND available >= ?').run(line.quantity, line.quantity, line.sku, line.quantity);
            if (taken.changes === 0) {
              const item = this.store.sql('SELECT available FROM items WHERE sku = ?').get(line.sku) as { available: number } | undefined;
              throw new Refused(item ? `only ${item.available} of ${line.sku} available, ${line.quantity} asked` : `unknown item ${line.sku}`);
            }
            this.store.sql("INSERT INTO reservations (order_id, sku, quantity, state) VALUES (?, ?, ?, 'held')").run(orderId, line.sku, line.quantity);
          }
        });
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        outcome = { ok: false, reason: error.message };
      }
      this.store.sql('INSERT INTO reservation_outcomes (order_id, ok, reason, created_at) VALUES (?, ?, ?, now_utc())').run(orderId, outcome.ok ? 1 : 0, outcome.ok ? null : outcome.reason);
      this.note(trace, outcome.ok ? 'stock reserved' : `reservation refused: ${outcome.reason}`);
      return outcome;
    }
  }

  /**
   * Gives back exactly what order `orderId` holds (a compensation); again, nothing more. Asked before
   * any reservation (the order was cancelled while its reservation was on its way), it records the
   * refusal, so the reservation that arrives later holds nothing.
   */
  release(trace: TraceContext | undefined, orderId: string): number {
    return this.store.write(trace, () => {
      this.store.sql(`INSERT INTO reservation_outcomes (order_id, ok, reason, created_at) VALUES (?, 0, 'order cancelled', now_utc()) ON CONFLICT DO NOTHING`).run(orderId);
      return this.move(trace, orderId, 'held', 'released', 'available = available + ?, reserved = reserved - ?', 'stock released');
    });
  }

  /** What order `orderId` holds leaves with the courier. */
  ship(trace: TraceContext | undefined, orderId: string): number {
    return this.move(trace, orderId, 'held', 'delivered', 'reserved = reserved - ?, delivered = delivered + ?', 'stock shipped');
  }

  /** What order `orderId` shipped comes back to the shelf (a return delivery ended). */
  restock(trace: TraceContext | undefined, orderId: string): number {
    return this.move(trace, orderId, 'delivered', 'returned', 'available = available + ?, returned = returned + ?', 'stock returned');
  }

  /** Per item: initial = available + reserved + delivered − returned, or the items where it does not hold. */
  unbalanced(): string[] {
    const rows = this.store.sql('SELECT sku, initial, available, reserved, delivered, returned FROM items').all() as { sku: string; initial: number; available: number; reserved: number; delivered: number; returned: number }[];
    return rows.filter((r) => r.initial !== r.available + r.reserved + r.delivered - r.returned).map((r) => r.sku);
  }

  private move(trace: TraceContext | undefined, orderId: string, from: string, to: string, change: string, note: string): number {
    return this.store.write(trace, () => {
      const lines = this.store.sql('SELECT sku, quantity FROM reservations WHERE order_id = ? AND state = ?').all(orderId, from) as OrderLine[];
      for (const line of lines) {
        this.store.sql(`UPDATE items SET ${change} WHERE sku = ?`).run(line.quantity, line.quantity, line.sku);
        this.store.sql('UPDATE reservations SET state = ? WHERE order_id = ? AND sku = ?').run(to, orderId, line.sku);
      }
      if (lines.length) this.note(trace, note);
      return lines.reduce((n, l) => n + l.quantity, 0);
    });
  }
}

/** The lines of an order with one line per item (two lines of one sku are added up). */
function mergeLines(lines: readonly OrderLine[]): OrderLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new AppError('BAD_REQUEST', `quantity of ${line.sku} must be a whole number of at least 1`);
    bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  }
  return [...bySku].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
