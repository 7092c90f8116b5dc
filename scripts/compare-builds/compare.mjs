// Compares built trees of orderctl (each a checkout with `npm run build` done), round by round: in each round every
// tree boots the style in a child process (one process, in-process broker), takes a warm-up of half the orders, then
// `orders` orders from 32 customers at once; CPU ms per order is the child's CPU over the measured orders and their
// settling, divided by the orders answered 2xx. Prints each measurement and each tree's median (min–max, n).
// usage: node scripts/compare-builds/compare.mjs <rounds> <orders> <style> <tree> <tree> [...]   (STORE=<postgres url> for PostgreSQL)
import { fork } from 'node:child_process';
import { Agent, request } from 'undici';
const [rounds, orders, variant, ...trees] = process.argv.slice(2);
const agent = new Agent({ connections: 64 });
const call = async (url, method, path, body, token) => {
  const r = await request(url + "/api/v1" + path, { method, dispatcher: agent, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.body.text(); return { status: r.statusCode, body: text ? JSON.parse(text) : undefined };
};
const ask = (child, m) => new Promise((res) => { child.once('message', res); child.send(m); });
async function once(tree) {
  const child = fork(new URL('./system.mjs', import.meta.url), [tree, variant, process.env.STORE ?? ''], { env: { ...process.env, ORDERCTL_SCRYPT_COST: '1024' } });
  const { url } = await new Promise((res) => child.once("message", res)); 
  const users = [];
  for (let i = 0; i < 32; i++) {
    const cred = { email: `u${i}@ab.test`, password: 'ab-password-1' };
    await call(url, "POST", "/identity/register", cred);
    const { body } = await call(url, "POST", "/identity/login", cred);
    await call(url, 'POST', '/billing/account/deposit', { amount: 1_000_000 }, body.accessToken);
    users.push(body.accessToken);
  }
  const loop = async (n) => { let next = 0; let ok = 0; await Promise.all(users.map(async (t) => { while (next < n) { next++; const r = await call(url, 'POST', '/ordering/orders', { price: 1 }, t); if (r.status < 300) ok++; } })); return ok; };
  await loop(Number(orders) / 2); await ask(child, 'settle');
  const c0 = (await ask(child, 'cpu')).cpu; const t0 = performance.now();
  const ok = await loop(Number(orders));
  const t1 = performance.now(); await ask(child, 'settle');
  const { cpu: c1, rss } = await ask(child, 'cpu');
  await new Promise((res) => { child.once('exit', res); child.send('stop'); });
  return { cpuMs: (c1 - c0) / ok, ops: ok / ((t1 - t0) / 1000), ok, rssMb: rss / 2 ** 20 };
}
const results = Object.fromEntries(trees.map((t) => [t, []]));
for (let r = 0; r < Number(rounds); r++) for (const t of trees) { const x = await once(t); results[t].push(x); console.error(`round ${r + 1} ${t}: ${x.cpuMs.toFixed(3)} ms/order, ${x.ops.toFixed(0)} orders/s, ${x.ok} ok`); }
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const t of trees) { const c = results[t].map((x) => x.cpuMs); const o = results[t].map((x) => x.ops); console.log(`${t}: CPU ${med(c).toFixed(3)} ms/order (${Math.min(...c).toFixed(3)}–${Math.max(...c).toFixed(3)}), ${med(o).toFixed(0)} orders/s (${Math.min(...o).toFixed(0)}–${Math.max(...o).toFixed(0)}), n=${c.length}`); }
await agent.close();
