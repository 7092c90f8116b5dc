import express from 'express';
import { z } from 'zod';
import type { Db } from '../../storage/database.js';
import { handled } from './expert-http.js';

const params = z.object({ id: z.uuid() });

/** Identity's hop: GET /users/:id, one indexed SELECT. */
export function expertIdentity(db: Db): express.Express {
  const find = db.prepare('SELECT id, email, first_name AS firstName, last_name AS lastName FROM users WHERE id = ?');
  const app = express();
  app.get(
    '/users/:id',
    handled((req, res) => {
      const user = find.get(params.parse(req.params).id);
      if (!user) return void res.status(404).json({ error: 'NOT_FOUND', message: 'user not found' });
      res.json(user);
    }),
  );
  return app;
}
