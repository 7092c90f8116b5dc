// The system under test of compare.mjs: boots a style in one process from a built tree and answers its CPU time when asked.
const [tree, variantName, store] = process.argv.slice(2);
const { bootSystem } = await import(`${tree}/dist/system/boot.js`);
const { variants } = await import(`${tree}/dist/variants/index.js`);
const { MemoryTransport } = await import(`${tree}/dist/broker/memory-transport.js`);
const variant = variants.find((v) => v.name === variantName);
const system = await bootSystem({ variant, transport: new MemoryTransport(), ...(store ? { store: { url: store } } : {}) });
process.on('message', async (m) => { 
  if (m === 'cpu') { const u = process.cpuUsage(); process.send({ cpu: (u.user + u.system) / 1000, rss: process.memoryUsage().rss }); }
  if (m === 'settle') { await system.settle(60_000); process.send({ settled: true }); }
  if (m === 'stop') { await system.close(); process.exit(0); }
});
process.send({ url: system.gatewayUrl });
