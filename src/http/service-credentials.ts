import type { RequestHandler } from 'express';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { errorBody } from '../core/errors.js';

/** The header a service sends its credential for a call in: `<caller> <secret>`. */
export const CREDENTIAL_HEADER = 'orderctl-caller';

/**
 * What one service holds to take part in the mesh: the credential it sends to each service it may
 * call, and those it accepts from each service that may call it. Nothing else: a service cannot make
 * the credential of a link it is not on.
 */
export interface ServiceCredentials {
  calls: Record<string, string>;
  accepts: Record<string, string>;
}

/** A fresh secret of a deployment's mesh, from which every link's credential is made (kept by the harness, never by a service). */
export const newMeshSecret = (): string => randomBytes(32).toString('hex');

/** The credential of the link `caller → callee`: only the mesh secret makes it. */
const linkCredential = (secret: string, caller: string, callee: string) => createHmac('sha256', secret).update(`${caller}>${callee}`).digest('hex');

/** What `service` holds, given the REST links of the plan (`from → to`): credentials for its own links, in and out, only. */
export function issueCredentials(secret: string, service: string, links: readonly { from: string; to: string }[]): ServiceCredentials {
  const calls: Record<string, string> = {};
  const accepts: Record<string, string> = {};
  for (const { from, to } of links) {
    if (from === service) calls[to] = linkCredential(secret, from, to);
    if (to === service) accepts[from] = linkCredential(secret, from, to);
  }
  return { calls, accepts };
}

/** The header value `caller` sends to `callee`, or undefined when it holds no credential for that link. */
export const credentialFor = (credentials: ServiceCredentials | undefined, caller: string, callee: string): string | undefined => {
  const secret = credentials?.calls[callee];
  return secret ? `${caller} ${secret}` : undefined;
};

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Lets through only calls from the services the plan links to `service`, each with its link's
 * credential: 401 without a credential, 403 with a wrong one or from a service that has no link here.
 */
export function requireCaller(service: string, credentials: ServiceCredentials): RequestHandler {
  return (req, res, next) => {
    const given = req.headers[CREDENTIAL_HEADER];
    if (typeof given !== 'string' || !given.includes(' ')) {
      res.status(401).json(errorBody(401, `${service} is internal: only the services linked to it may call it, each with its credential`));
      return;
    }
    const [caller, secret] = given.split(' ', 2);
    const expected = credentials.accepts[caller];
    if (!expected || !same(secret, expected)) {
      res.status(403).json(errorBody(403, `${service} does not take this call: the credential is not one of a service linked to it`));
      return;
    }
    next();
  };
}
