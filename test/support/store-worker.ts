// Runs in its own process, as a replica of a service does, against a store place given as JSON:
//   open <place> <at>                 opens billing's database at the moment `at` (epoch ms)
//   withdraw <place> <user> <n> <c>   takes c cents n times, by withdrawals and payments in turn; prints how many succeeded
//   claim <place> <owner>             claims and publishes outbox rows until none is left; prints the seqs it claimed
//   reserve <place> <sku> <n>         tries n orders of one <sku> each; prints how many were reserved
//   deposit <place> <user> <n>        deposits 1 cent n times, printing a line as each is acknowledged, until one fails
import { billingSchema, BillingService } from '../../src/services/billing/billing-service.js';
import { openDatabase, type StorePlace } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { stockSchema, StockService } from '../../src/services/stock/stock-service.js';

const [job, placeJson, ...args] = process.argv.slice(2);
const place = JSON.parse(placeJson) as StorePlace;

if (job === 'open') {
  while (Date.now() < Number(args[0]));
  openDatabase(place, 'billing', billingSchema, { releaseClaims: false }).close();
} else if (job === 'withdraw') {
  const [userId, times, cents] = args;
  const store = new Store(openDatabase(place, 'billing', billingSchema, { releaseClaims: false }));
  const billing = new BillingService(store);
  let taken = 0;
  for (let i = 0; i < Number(times); i++) {
    const paymentId = `${process.pid}-${i}`;
    if (i % 2 === 0 ? billing.withdraw(undefined, userId, Number(cents)).ok : billing.pay(undefined, paymentId, userId, Number(cents)).status === 'succeeded') taken++;
  }
  store.close();
  process.stdout.write(String(taken));
} else if (job === 'claim') {
  const store = new Store(openDatabase(place, 'billing', billingSchema, { releaseClaims: false }));
  const claimed: number[] = [];
  for (;;) {
    const rows = store.claimReady(3, args[0], 30_000);
    if (rows.length === 0 && store.waiting() === 0) break;
    for (const row of rows) {
      claimed.push(row.seq);
      store.published(row.seq);
    }
  }
  store.close();
  process.stdout.write(JSON.stringify(claimed));
} else if (job === 'reserve') {
  const [sku, times] = args;
  const store = new Store(openDatabase(place, 'stock', stockSchema, { releaseClaims: false }));
  const stock = new StockService(store);
  let reserved = 0;
  for (let i = 0; i < Number(times); i++) if (stock.reserve(undefined, `${process.pid}-${i}`, [{ sku, quantity: 1 }]).ok) reserved++;
  store.close();
  process.stdout.write(String(reserved));
} else if (job === 'deposit') {
  const [userId, times] = args;
  const store = new Store(openDatabase(place, 'billing', billingSchema, { releaseClaims: false }));
  const billing = new BillingService(store);
  for (let i = 1; i <= Number(times); i++) {
    try {
      billing.deposit(undefined, userId, 1);
    } catch {
      process.exit(0);
    }
    process.stdout.write(`acked ${i}\n`);
  }
  store.close();
} else {
  throw new Error(`unknown job ${job}`);
}
