import { defineService } from '../module.js';
import { gatewayApp } from './gateway-app.js';
import { OrderPush } from './order-push.js';
import type { GatewayCommands } from './gateway-commands.js';
import { revocationSchema, storedRevocations } from './revocations.js';

const notWired = () => {
  throw new Error('link not wired');
};

/** The gateway: the public API; checks tokens and has each command done the variant's way. Keeps only logged-out tokens. */
export default defineService({
  name: 'gateway',
  schema: revocationSchema,
  outbox: false,
  create(ctx) {
    const commands: GatewayCommands = { register: notWired, deposit: notWired, withdraw: notWired, placeOrder: notWired };
    return { commands, revoked: storedRevocations(ctx.store.db), push: new OrderPush() };
  },
  expose(parts, w) {
    w.ports.gateway = parts.commands;
    w.ports.push = parts.push;
  },
  app: (parts, ctx, w) =>
    gatewayApp({ http: ctx.http, commands: { ...w.ports.gateway }, tokens: ctx.tokens, revoked: parts.revoked, variant: w.variant.name, push: w.variant.push ? parts.push : undefined }, ...ctx.edge),
  close: (parts) => parts.push.close(),
});
