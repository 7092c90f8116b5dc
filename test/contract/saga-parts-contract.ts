import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DeliveryService, deliverySchema } from '../../src/services/delivery/delivery-service.js';
import { StockService, stockSchema } from '../../src/services/stock/stock-service.js';
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import type { TestPlace } from './store-contract.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const WORKER = join(import.meta.dirname, '../support/store-worker.ts');

/** The saga's stock and delivery, on every engine: never sold twice, compensations exactly once. */
export function sagaPartsContract(name: string, fresh: () => TestPlace): void {
  describe(`stock and delivery on ${name}`, () => {
    let at: TestPlace;
    let stores: Store[];
    let stock: StockService;
    let delivery: DeliveryService;
    beforeEach(() => {
      at = fresh();
      stores = [new Store(openDatabase(at.place, 'stock', stockSchema)), new Store(openDatabase(at.place, 'delivery', deliverySchema))];
      stock = new StockService(stores[0]);
      delivery = new DeliveryService(stores[1]);
      stock.load([
        { sku: 'mug', name: 'A mug', available: 10 },
        { sku: 'pen', name: 'A pen', available: 2 },
      ]);
    });
    afterEach(() => {
      for (const store of stores) store.close();
      at.remove();
    });
    const item = (sku: string) => stock.items().find((i) => i.sku === sku)!;

    test('a reservation holds every line or none, and asking again answers the first outcome without moving stock', () => {
      expect(stock.reserve(undefined, 'o1', [{ sku: 'mug', quantity: 3 }, { sku: 'pen', quantity: 5 }])).toEqual({ ok: false, reason: 'only 2 of pen available, 5 asked' });
      expect([item('mug'), item('pen')].map((i) => [i.available, i.reserved])).toEqual([[10, 0], [2, 0]]);
      expect(stock.reserve(undefined, 'o2', [{ sku: 'mug', quantity: 3 }, { sku: 'mug', quantity: 1 }, { sku: 'pen', quantity: 2 }])).toEqual({ ok: true });
      expect(stock.reserve(undefined, 'o2', [{ sku: 'mug', quantity: 3 }, { sku: 'pen', quantity: 2 }])).toEqual({ ok: true });
      expect([item('mug'), item('pen')].map((i) => [i.available, i.reserved])).toEqual([[6, 4], [0, 2]]);
      expect(stock.reserve(undefined, 'o3', [{ sku: 'kettle', quantity: 1 }])).toEqual({ ok: false, reason: 'unknown item kettle' });
      expect(stock.unbalanced()).toEqual([]);
    });

    test('release gives back exactly what was held, once; shipped goods come back to the shelf once', () => {
      stock.reserve(undefined, 'o1', [{ sku: 'mug', quantity: 4 }]);
      expect(stock.release(undefined, 'o1')).toBe(4);
      expect(stock.release(undefined, 'o1')).toBe(0);
      expect(item('mug')).toMatchObject({ available: 10, reserved: 0 });
      stock.reserve(undefined, 'o2', [{ sku: 'mug', quantity: 2 }]);
      expect(stock.ship(undefined, 'o2')).toBe(2);
      expect(stock.release(undefined, 'o2')).toBe(0);
      expect(item('mug')).toMatchObject({ available: 8, reserved: 0 });
      expect(stock.restock(undefined, 'o2')).toBe(2);
      expect(stock.restock(undefined, 'o2')).toBe(0);
      expect(item('mug')).toMatchObject({ available: 10, reserved: 0 });
      expect(stock.unbalanced()).toEqual([]);
    });

    test('an undo that overtakes its step wins: a release before the reservation, a return before the delivery', () => {
      expect(stock.release(undefined, 'late')).toBe(0);
      expect(stock.reserve(undefined, 'late', [{ sku: 'mug', quantity: 2 }])).toEqual({ ok: false, reason: 'order cancelled' });
      expect(item('mug')).toMatchObject({ available: 10, reserved: 0 });
      delivery.load(['Paris'], 1);
      expect(delivery.bringBack(undefined, 'late')).toBe(false);
      expect(delivery.start(undefined, 'late', { city: 'Paris', street: '1 Rue' })).toEqual({ ok: false, reason: 'order cancelled' });
      expect(delivery.busy()).toBe(0);
      expect(stock.unbalanced()).toEqual([]);
    });

    test('a zone of its own is served only by its own couriers; the default zones share the pool', () => {
      delivery.load(['Paris'], 1);
      delivery.addZone('Tinytown', 1);
      delivery.addZone('Nowhere Bay', 0);
      expect(delivery.start(undefined, 't1', { city: 'Tinytown', street: '1' })).toEqual({ ok: true, courier: 'Tinytown-courier-1' });
      expect(delivery.start(undefined, 't2', { city: 'Tinytown', street: '2' })).toEqual({ ok: false, reason: 'no courier is free' });
      expect(delivery.start(undefined, 'n1', { city: 'Nowhere Bay', street: '3' })).toEqual({ ok: false, reason: 'no courier is free' });
      expect(delivery.start(undefined, 'p1', { city: 'Paris', street: '4' })).toEqual({ ok: true, courier: 'courier-0001' });
      expect(delivery.zones()).toEqual(['Nowhere Bay', 'Paris', 'Tinytown']);
    });

    test('processes racing for the last items never sell one twice', async () => {
      const racers = await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', WORKER, 'reserve', JSON.stringify(at.place), 'mug', '6'], { cwd: ROOT })));
      expect(racers.reduce((n, r) => n + Number(r.stdout), 0)).toBe(10);
      expect(item('mug')).toMatchObject({ available: 0, reserved: 10 });
      expect(stock.unbalanced()).toEqual([]);
    }, 120_000);

    test('a delivery goes to a zone with a free courier, once; outside the zones or with no courier free it fails with the reason', () => {
      delivery.load(['Paris', 'Lisbon'], 1);
      expect(delivery.start(undefined, 'o1', { city: 'Oslo', street: '1 Fjord' })).toEqual({ ok: false, reason: 'we do not deliver to Oslo' });
      expect(delivery.start(undefined, 'o2', { city: 'Paris', street: '2 Rue' })).toEqual({ ok: true, courier: 'courier-0001' });
      expect(delivery.start(undefined, 'o2', { city: 'Paris', street: '2 Rue' })).toEqual({ ok: true, courier: 'courier-0001' });
      expect(delivery.start(undefined, 'o3', { city: 'Lisbon', street: '3 Rua' })).toEqual({ ok: false, reason: 'no courier is free' });
      expect(delivery.busy()).toBe(1);
      delivery.received(undefined, 'o2');
      expect(delivery.busy()).toBe(0);
      // Told again (a redelivery, a call made again) it changes nothing; an order that was never delivering is a 409.
      delivery.received(undefined, 'o2');
      expect(delivery.busy()).toBe(0);
      expect(() => delivery.received(undefined, 'o3')).toThrow(expect.objectContaining({ status: 409 }));
      expect(delivery.start(undefined, 'o4', { city: 'Lisbon', street: '4 Rua' })).toEqual({ ok: true, courier: 'courier-0001' });
      expect(delivery.bringBack(undefined, 'o4')).toBe(true);
      expect(delivery.bringBack(undefined, 'o4')).toBe(true);
      expect(delivery.busy()).toBe(0);
      expect(delivery.zones()).toEqual(['Lisbon', 'Paris']);
    });
  });
}
