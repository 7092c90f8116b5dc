// Runs in its own process: opens billing's database and races other processes to withdraw.
import { openDatabase } from '../../src/storage/database.js';
import { Store } from '../../src/storage/store.js';
import { billingSchema, BillingService } from '../../src/services/billing/billing-service.js';

const [dir, userId, times, cents] = process.argv.slice(2);
const billing = new BillingService(new Store(openDatabase(dir, 'billing', billingSchema)));
let taken = 0;
for (let i = 0; i < Number(times); i++) {
  const paymentId = `${process.pid}-${i}`;
  if (i % 2 === 0 ? billing.withdraw(userId, Number(cents)).ok : billing.pay(paymentId, userId, Number(cents)).status === 'succeeded') taken++;
}
process.stdout.write(String(taken));
