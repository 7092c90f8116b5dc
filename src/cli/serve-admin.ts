import express, { type RequestHandler } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { z } from 'zod';
import { errorBody } from '../core/errors.js';
import { errorHandler } from '../http/error-handler.js';
import type { RunningSystem } from '../system/boot.js';

const replayBody = z.strictObject({ group: z.string().min(1).optional(), ids: z.array(z.string().min(1)).min(1).optional() });

/** Every parked message of the system, by consumer group. */
export async function parkedByGroup(system: RunningSystem) {
  const groups = await Promise.all(system.transport.groups().map(async (group) => ({ group, messages: await system.transport.parked(group) })));
  return groups.filter((g) => g.messages.length > 0);
}

/** The admin API's token: ORDERCTL_ADMIN_TOKEN when set, else a fresh one. */
export const adminToken = (): string => process.env.ORDERCTL_ADMIN_TOKEN || randomBytes(24).toString('base64url');

/** Writes the admin token where only this user can read it (`<dataDir>/admin-token`, mode 0600); returns the path. */
export async function writeAdminToken(dataDir: string, token: string): Promise<string> {
  const file = join(dataDir, 'admin-token');
  await rm(file, { force: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return file;
}

/** Lets through only requests bearing `token` (compared in constant time); 401 otherwise. */
function requireToken(token: string): RequestHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req, res, next) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json(errorBody(401, 'the admin API needs its token: Authorization: Bearer <the token serve wrote to its admin-token file>'));
  };
}

/**
 * The operator's API of a running `serve`, on its own port on 127.0.0.1 (never the public gateway), for
 * the holder of its token only: `GET /status`, `GET /parked`, and `POST /parked/replay {group?, ids?}`.
 */
export async function startAdmin(system: RunningSystem, port: number, facts: Record<string, unknown>, token: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(requireToken(token));
  app.use(express.json({ limit: '64kb' }));
  app.get('/status', async (_req, res) => {
    res.json({ ...facts, pendingMessages: await system.transport.pending(), stopped: system.stopped(), unroutedEvents: await system.unrouted(), recovery: system.recovery.totals, hops: system.recorder.window, ...(system.processes ? { processes: system.processes() } : {}) });
  });
  app.get('/parked', async (_req, res) => {
    res.json(await parkedByGroup(system));
  });
  app.post('/parked/replay', async (req, res) => {
    const body = replayBody.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ code: 400, error: 'BAD_REQUEST', message: `invalid body: ${body.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}` });
      return;
    }
    const groups = body.data.group ? [body.data.group] : system.transport.groups();
    let replayed = 0;
    for (const group of groups) replayed += await system.transport.replay(group, body.data.ids);
    res.json({ replayed });
  });
  app.use((req, res) => void res.status(404).json({ code: 404, error: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}` }));
  // Errors (a malformed body, a broker that stays away) answer in the one error shape of the public API.
  app.use(errorHandler);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
