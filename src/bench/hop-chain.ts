import express from 'express';
import { Agent, request } from 'undici';
import { closeServer, listen } from '../http/service-app.js';

/**
 * The floor under the order path: `hops` bare express servers in a row, each passing the request's JSON
 * body on to the next over undici (keep-alive, Nagle off, as the services call each other) and its answer
 * back; no validation, no database, no tokens, no recording. A client's request to the first makes `hops`
 * HTTP exchanges, as many as an order of the http style makes.
 */
export async function startHopChain(hops: number): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new Agent({ connect: { noDelay: true }, keepAliveTimeout: 10_000, connections: 128 });
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  let next: string | undefined;
  for (let i = hops; i >= 1; i--) {
    const app = express();
    app.use(express.json());
    const downstream = next;
    app.post('/', async (req, res) => {
      if (!downstream) return void res.status(201).json({ ...req.body, hop: i });
      try {
        const answer = await request(downstream, { method: 'POST', body: JSON.stringify(req.body), headers: { 'content-type': 'application/json' }, dispatcher: agent });
        // Parsed and written again, as a service does with the answer of the one it called.
        res.status(answer.statusCode).json(JSON.parse(await answer.body.text()));
      } catch {
        // The next hop went away (the chain is closing at the end of a load): a 502, as a service would answer.
        res.status(502).json({ code: 502, error: 'BAD_GATEWAY', message: 'the next hop did not answer' });
      }
    });
    const started = await listen(app);
    servers.unshift(started);
    next = `${started.url}/`;
  }
  return {
    url: servers[0].url,
    async close() {
      await Promise.all(servers.map((s) => closeServer(s.server)));
      await agent.close();
    },
  };
}
