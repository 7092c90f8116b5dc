import type { Express, RequestHandler } from 'express';
import { createServiceApp, finishServiceApp, traceOf } from '../../http/service-app.js';
import { validate } from '../../http/validate.js';
import type { RegistrationFlow } from './identity-flow.js';
import { loginForm, profilePatch, registrationForm, type IdentityService } from './identity-service.js';

/** Identity's internal REST API. */
export function identityApp(identity: IdentityService, registration: RegistrationFlow, ...edge: RequestHandler[]): Express {
  const app = createServiceApp('identity', ...edge);
  app.post('/register', async (req, res) => {
    res.status(201).json(await registration.register(traceOf(res), validate(registrationForm, req.body)));
  });
  app.post('/login', async (req, res) => {
    const { email, password } = validate(loginForm, req.body);
    res.json({ accessToken: await identity.login(email, password) });
  });
  app.get('/users/:id', (req, res) => {
    res.json(identity.get(req.params.id));
  });
  app.put('/users/:id', (req, res) => {
    res.json(identity.update(traceOf(res), req.params.id, validate(profilePatch, req.body)));
  });
  return finishServiceApp(app);
}
