import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { maskUrl } from '../broker/broker-url.js';
import { openTransport } from '../broker/open-transport.js';
import { AppError } from '../core/errors.js';
import { PostgresDb } from '../storage/postgres-db.js';
import { usesBroker, type Variant } from '../variants/variant.js';

/** What a command was given to depend on outside itself. */
export interface Dependencies {
  /** The styles it will run: the broker matters only to those that send messages. */
  variants: readonly Variant[];
  broker?: string;
  store?: string;
  otlpEndpoint?: string;
}

/** How long the collector may take to answer an empty export. */
const COLLECTOR_WAIT_MS = 5_000;

/** Connects to RabbitMQ and leaves; its refusal is the transport's own one line. */
async function reachBroker(url: string): Promise<void> {
  const transport = await openTransport(url);
  await transport.close();
}

/** Opens the PostgreSQL database (created on first use, as a run would) and closes it. */
function reachStore(url: string): void {
  let db: PostgresDb;
  try {
    db = new PostgresDb(url, 'public');
  } catch (error) {
    throw new AppError('STORE_UNAVAILABLE', `cannot open the database in PostgreSQL (${maskUrl(url)}): ${(error as Error).message.trim().replace(/\s+/g, ' ')}`);
  }
  db.close();
}

/** POSTs `body` as JSON to `url`; the answer's status (node:http, as the OTLP exporter: no list of refused ports). */
function postJson(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: COLLECTOR_WAIT_MS }, (answer) => {
      answer.resume();
      resolve(answer.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${COLLECTOR_WAIT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the collector an export of no spans: it must answer 2xx, as the real export will need. */
async function reachCollector(endpoint: string): Promise<void> {
  if (!/^https?:\/\/[^/]/.test(endpoint) || !URL.canParse(endpoint)) throw new AppError('USAGE', `--otlp-endpoint must be an http:// or https:// URL such as http://127.0.0.1:4318, not "${maskUrl(endpoint)}"`);
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const unreachable = (why: string) => new AppError('SERVICE_UNAVAILABLE', `cannot reach the OTLP collector at ${url} (${why}): start one (Jaeger, an OpenTelemetry collector) or pass another --otlp-endpoint`);
  const status = await postJson(url, '{"resourceSpans":[]}').catch((error: NodeJS.ErrnoException) => {
    throw unreachable(error.code ?? error.message);
  });
  if (status < 200 || status >= 300) throw unreachable(`it answered ${status}`);
}

/**
 * Reaches every dependency a command was given before it starts any work, so that one that is down
 * fails at once in one line (exit 3), not after the rest was measured. A broker is reached only when
 * a chosen style sends messages (`http` runs with one that is down).
 */
export async function checkDependencies(deps: Dependencies): Promise<void> {
  if (deps.broker && deps.variants.some(usesBroker)) await reachBroker(deps.broker);
  if (deps.store) reachStore(deps.store);
  if (deps.otlpEndpoint) await reachCollector(deps.otlpEndpoint);
}
