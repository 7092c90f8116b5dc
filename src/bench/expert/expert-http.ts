import type { Request, Response } from 'express';
import { Agent, request } from 'undici';
import { z } from 'zod';

/** Keep-alive connections with Nagle off, as the services call each other. */
export const expertAgent = () => new Agent({ connect: { noDelay: true }, keepAliveTimeout: 10_000, connections: 128 });

/** An answer of the next hop: its status and parsed JSON body. */
export interface HopAnswer {
  status: number;
  body: unknown;
}

/** One call to the next hop: JSON in, JSON out. */
export async function callHop(agent: Agent, url: string, method: 'GET' | 'POST', body?: unknown): Promise<HopAnswer> {
  const answer = await request(url, { method, dispatcher: agent, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await answer.body.text();
  return { status: answer.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** Answers 400 when zod says the input is wrong, 502 when the next hop failed, 500 otherwise. */
export function answerFailure(res: Response, error: unknown): void {
  if (res.headersSent) return;
  if (error instanceof z.ZodError) res.status(400).json({ error: 'BAD_REQUEST', message: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  else res.status(502).json({ error: 'UPSTREAM_FAILED', message: (error as Error).message });
}

/** An express handler that answers a failure instead of throwing. */
export const handled = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
  try {
    await fn(req, res);
  } catch (error) {
    answerFailure(res, error);
  }
};
