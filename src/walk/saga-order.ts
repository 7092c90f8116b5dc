import chalk from 'chalk';
import { DEFAULT_ADDRESS, type Address, type OrderLine } from '../scenarios/scenario-schema.js';
import type { Asker } from './asker.js';

/** What the system offers, as last read through the public API: its catalog and the cities it delivers to. */
export interface Offer {
  items?: { sku: string; name: string; available: number; reserved: number }[];
  zones?: string[];
}

const NO_MORE = '';
const ELSEWHERE = '(elsewhere)';

async function pickItem(asker: Asker, offer: Offer, more: boolean): Promise<string> {
  if (offer.items?.length) {
    const items = offer.items.map((i) => ({ value: i.sku, name: `${i.sku} — ${i.name} (${i.available} available)` }));
    return asker.select(more ? 'Another item?' : 'Which item?', more ? [{ value: NO_MORE, name: 'No more items' }, ...items] : items);
  }
  for (;;) {
    const sku = (await asker.text(more ? 'Another item (its sku; empty for no more)?' : 'Which item (its sku)?')).trim();
    if (sku || more) return sku;
  }
}

async function askQuantity(asker: Asker, say: (line: string) => void): Promise<number> {
  for (;;) {
    const quantity = Number(await asker.text('How many?', '1'));
    if (Number.isInteger(quantity) && quantity >= 1) return quantity;
    say(chalk.red('A quantity is a whole number, 1 or more.'));
  }
}

async function askAddress(asker: Asker, offer: Offer): Promise<Address> {
  let city = offer.zones?.length
    ? await asker.select('Deliver to which city?', [...offer.zones.map((c) => ({ value: c, name: c })), { value: ELSEWHERE, name: 'Another city (outside the zones)' }])
    : await asker.text('Deliver to which city?', DEFAULT_ADDRESS.city);
  if (city === ELSEWHERE) city = await asker.text('Which city?', 'Atlantis');
  const street = await asker.text('Street?', 'Main Street 1');
  return { city, street };
}

/**
 * Asks for the goods of an order that runs the saga: items picked from the catalog (or named, when
 * the catalog could not be read), each with a quantity, until no more; then where they go.
 */
export async function askGoods(asker: Asker, offer: Offer, say: (line: string) => void): Promise<{ items: OrderLine[]; address: Address }> {
  const lines = new Map<string, number>();
  for (;;) {
    const sku = await pickItem(asker, offer, lines.size > 0);
    if (!sku) break;
    const quantity = await askQuantity(asker, say);
    lines.set(sku, (lines.get(sku) ?? 0) + quantity);
  }
  return { items: [...lines].map(([sku, quantity]) => ({ sku, quantity })), address: await askAddress(asker, offer) };
}

/** The catalog, one line an item: what is on the shelf and what is held for orders. */
export const stockTable = (items: NonNullable<Offer['items']>) =>
  items.map((i) => `    ${i.sku.padEnd(12)} ${i.name.padEnd(24)} available ${String(i.available).padStart(3)}   reserved ${i.reserved}`).join('\n');
