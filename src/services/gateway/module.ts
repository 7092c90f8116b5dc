import { defineService } from '../module.js';
import { AbuseGuard } from './abuse-limits.js';
import { gatewayApp } from './gateway-app.js';
import { OrderPush } from './order-push.js';
import { revocationSchema, storedRevocations } from './revocations.js';

/** The gateway: the public API; checks tokens and has each command done the variant's way. Keeps only logged-out tokens. */
export default defineService({
  name: 'gateway',
  schema: revocationSchema,
  outbox: false,
  needs: ['commands'],
  create: (ctx) => ({ revoked: storedRevocations(ctx.store.db), push: new OrderPush(), limits: ctx.limits && new AbuseGuard(ctx.limits) }),
  linked: (parts) => ({ service: parts.push, flow: undefined, ports: {} }),
  app: (parts, ctx, { variant, ports }) =>
    gatewayApp({ http: ctx.http, commands: ports.commands, tokens: ctx.tokens, revoked: parts.revoked, variant: variant.name, push: variant.push ? parts.push : undefined, limits: parts.limits }, ...ctx.edge),
  close: (parts) => parts.push.close(),
});
