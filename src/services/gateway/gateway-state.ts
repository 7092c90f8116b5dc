import { persistentKey, Tokens } from '../../core/tokens.js';
import { openDatabase } from '../../storage/database.js';
import { revocationSchema, storedRevocations, type RevocationList } from './revocations.js';

/** What the gateway keeps across restarts on one data directory: the token key and the logged-out tokens. */
export interface GatewayState {
  tokens: Tokens;
  revoked: RevocationList;
  close(): void;
}

/**
 * Opens the gateway's state in `dataDir`: `gateway.sqlite` (logged-out tokens) and `jwt.key`
 * (the token key, unless `secret` — ORDERCTL_JWT_SECRET by default — gives one).
 */
export function openGatewayState(dataDir: string, secret = process.env.ORDERCTL_JWT_SECRET): GatewayState {
  const tokens = new Tokens(secret ? secret : persistentKey(dataDir));
  const db = openDatabase(dataDir, 'gateway', revocationSchema);
  return { tokens, revoked: storedRevocations(db), close: () => db.close() };
}
