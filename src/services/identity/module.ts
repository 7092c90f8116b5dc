import { defineService } from '../module.js';
import { identityRecovery } from './identity-recovery.js';
import { RegistrationFlow, type IdentityPorts } from './identity-flow.js';
import { identityApp } from './identity-routes.js';
import { identitySchema, IdentityService } from './identity-service.js';

/** Identity: users, passwords, access tokens; tells the others about new users. */
export default defineService({
  name: 'identity',
  schema: identitySchema,
  raises: ['UserRegistered'],
  create(ctx) {
    const service = new IdentityService(ctx.store, ctx.tokens);
    // The links fill the ports; the flow holds the same object, so it sees what they set.
    const ports: IdentityPorts = {};
    return { service, ports, registration: new RegistrationFlow(service, ports, ctx.note) };
  },
  linked: (parts) => ({ service: parts.service, flow: parts.registration, ports: parts.ports }),
  app: (parts, ctx) => identityApp(parts.service, parts.registration, ...ctx.edge),
  recovery: (parts, ctx) => identityRecovery(parts.service, ctx.http),
});
