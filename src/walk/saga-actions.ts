import chalk from 'chalk';
import type { Outcome, RunContext } from '../scenarios/run-context.js';
import { steps } from '../scenarios/steps.js';
import type { RunningSystem } from '../system/boot.js';
import type { Asker } from './asker.js';
import { hopList } from './hop-list.js';
import { candidates } from './menu.js';
import { askGoods, stockTable, type Offer } from './saga-order.js';
import { isOver, sagaLine, sagaView, type Placed, type PublicOrder } from './saga-view.js';
import { styleNote } from './style-notes.js';

/** What the saga's actions need of the walk: its questions, its output, the running system, and how it runs an action. */
export interface WalkCore {
  asker: Asker;
  say: (line: string) => void;
  system: () => RunningSystem;
  ctx: () => RunContext;
  /** Runs one action, shows every hop it caused and its answer (through `show` when given); resolves to the answer. */
  act: (name: string, run: () => Promise<Outcome | void>, show?: (body: any) => string | undefined) => Promise<Outcome | void>;
  user: () => Promise<string>;
  amount: (what: string, fallback: string) => Promise<number>;
}

/** The orders the walk knows, what the system offers, and the saga's actions on them. */
export function sagaActions(core: WalkCore) {
  const { asker, say } = core;
  const placed = new Map<string, Placed>();
  const offer: Offer = {};
  const note = (line: string) => line && say(chalk.italic(line));

  /** A read of the public API that is not an action the user asked for: no hop list, nothing in the run's history. */
  const peek = async (path: string, token?: string): Promise<any> => {
    try {
      const response = await fetch(`${core.system().gatewayUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
      return response.ok ? await response.json() : undefined;
    } catch {
      return undefined;
    }
  };
  const down = (service: 'order' | 'stock' | 'delivery') => core.system().stopped().includes(service);
  const tokenOf = (p: Placed) => core.ctx().users.get(p.user)?.token;

  /** Reads again every order of the saga not over yet; says which changed since last read. */
  const refresh = async (): Promise<Placed[]> => {
    if (down('order')) return [];
    const changed: Placed[] = [];
    for (const p of placed.values()) {
      const id = core.ctx().orders.get(p.name);
      const token = tokenOf(p);
      if (!p.saga || isOver(p) || !id || !token) continue;
      const now: PublicOrder | undefined = await peek(`/ordering/orders/${id}`, token);
      if (!now) continue;
      if (now.status !== p.last?.status) changed.push(p);
      p.last = now;
    }
    return changed;
  };

  const sayNow = async (name: string) => {
    await refresh();
    const p = placed.get(name);
    if (p?.last) say(sagaLine(p.name, p.last));
  };

  const readOffer = async () => {
    const items = down('stock') ? undefined : await peek('/stock/items');
    const zones = down('delivery') ? undefined : await peek('/delivery/zones');
    if (Array.isArray(items)) offer.items = items;
    else say(chalk.yellow(offer.items ? 'Stock does not answer: its catalog as last read.' : 'Stock does not answer, so its catalog is not known: name the items.'));
    if (Array.isArray(zones)) offer.zones = zones;
    else say(chalk.yellow(offer.zones ? 'Delivery does not answer: its cities as last read.' : 'Delivery does not answer, so its cities are not known: name one.'));
  };

  const freshName = () => {
    let n = placed.size + 1;
    while (placed.has(`order-${n}`) || core.ctx().orders.has(`order-${n}`)) n++;
    return `order-${n}`;
  };

  /** An answer that did not name the order (a 502 while the saga waits): the user's newest order of the saga the walk does not know yet. */
  const findUnnamed = async (name: string, user: string) => {
    const token = core.ctx().users.get(user)?.token;
    const known = new Set(core.ctx().orders.values());
    const orders: PublicOrder[] | undefined = token && !down('order') ? await peek('/ordering/orders', token) : undefined;
    const found = orders?.find((o) => o.items && !known.has(o.id));
    if (!found) return void placed.delete(name);
    core.ctx().orders.set(name, found.id);
    say(chalk.dim(`The answer did not name the order; ${user}'s newest order is ${found.id}: it is ${name} from here on.`));
  };

  const pick = async (action: 'cancel' | 'received' | 'saga' | 'poll'): Promise<Placed> => {
    const among = action === 'poll' ? [...placed.values()].reverse() : candidates(action, [...placed.values()]);
    const describe = (p: Placed) => [p.last?.status, p.last?.items?.map((l) => `${l.quantity} ${l.sku}`).join(', '), p.last?.address && `to ${p.last.address.city}`].filter(Boolean).join(', ');
    const name = await asker.select('Which order?', among.map((p) => ({ value: p.name, name: describe(p) ? `${p.name} (${describe(p)})` : p.name })));
    return placed.get(name)!;
  };

  return {
    placed,
    refresh,
    /** Remembers an order placed by hand or by a scenario step. */
    remember(name: string, user: string, saga: boolean) {
      placed.set(name, { name, user, saga });
    },
    freshName,
    /** Forgets every order and what the system offered (a new system was booted). */
    reset() {
      placed.clear();
      delete offer.items;
      delete offer.zones;
    },
    async goods() {
      const user = await core.user();
      const price = await core.amount('Price', '30');
      await readOffer();
      const goods = await askGoods(asker, offer, say);
      note(styleNote(core.system().variant, 'order'));
      const name = freshName();
      placed.set(name, { name, user, saga: true });
      const lines = goods.items.map((l) => `${l.quantity} ${l.sku}`).join(', ');
      const outcome = await core.act(`order ${price} by ${user}: ${lines} to ${goods.address.city}`, () => steps.order.perform(core.ctx(), { user, price, name, ...goods }));
      if (!core.ctx().orders.has(name)) {
        if (outcome && outcome.status >= 500) await findUnnamed(name, user);
        else placed.delete(name);
      }
      await sayNow(name);
    },
    async customer(action: 'cancel' | 'received') {
      const p = await pick(action);
      note(styleNote(core.system().variant, action));
      await core.act(`${action} ${p.name}`, () => steps[action].perform(core.ctx(), { user: p.user, order: p.name }));
      await sayNow(p.name);
    },
    async show() {
      const p = await pick('saga');
      await core.act(`saga of ${p.name}`, () => steps['order-status'].perform(core.ctx(), { user: p.user, order: p.name }), (body: PublicOrder) => {
        if (!body?.status) return undefined;
        p.last = body;
        return `\n${sagaView(p, body)}`;
      });
    },
    async poll() {
      const p = await pick('poll');
      await core.act(`poll ${p.name}`, () => steps['order-status'].perform(core.ctx(), { user: p.user, order: p.name }));
    },
    async stock() {
      await core.act('stock', () => core.ctx().api.send('stock', 'GET', '/stock/items'), (body) => {
        if (!Array.isArray(body)) return undefined;
        offer.items = body;
        return `${body.length} items\n${stockTable(body)}`;
      });
    },
    /** The recovery pass now, for everything however recent: what flowed, what it did, and the sagas it moved. */
    async recover() {
      note('The recovery pass asks again for what stalled: a saga waiting between two steps, a pending order, an outcome not sent. It runs by itself every few seconds for work that stalled a while; this pass takes everything, however recent.');
      const system = core.system();
      const since = performance.timeOrigin + performance.now();
      const counts = await system.recovery.run({ graceMs: 0 });
      await system.settle(system.stopped().length ? 1_000 : 15_000);
      const ran = system.recorder.all().filter((h) => h.start >= since).sort((a, b) => a.start - b.start);
      if (ran.length) say(hopList(ran));
      const did = Object.entries(counts).filter(([, n]) => n > 0).map(([what, n]) => `${what.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}: ${n}`);
      say(`Recovery pass: ${did.join(', ') || 'nothing to do'}.`);
      for (const p of await refresh()) say(sagaLine(p.name, p.last!));
    },
  };
}
