import { performance } from 'node:perf_hooks';
import { formatTraceparent, newSpanId, newTraceId } from '../tracing/context.js';

/** One request the client made: what kind of action, its trace, its answer and how long it took. */
export interface ClientAction {
  kind: string;
  traceId: string;
  status: number;
  ms: number;
}

/** What the gateway answered. */
export interface ApiResponse {
  status: number;
  body: any;
  ms: number;
  traceId: string;
}

/** Options of one request. */
export interface ApiRequest {
  token?: string;
  body?: unknown;
  /** Sent as is, for malformed bodies. */
  raw?: string;
  headers?: Record<string, string>;
}

/** The scenario runner's HTTP client of the public API; each request starts its own trace. */
export class ApiClient {
  readonly actions: ClientAction[] = [];

  constructor(private readonly baseUrl: string) {}

  async send(kind: string, method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
    const traceId = newTraceId();
    const headers: Record<string, string> = { traceparent: formatTraceparent(traceId, newSpanId()), ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    const body = request.raw ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const ms = performance.now() - started;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text, the expectation will say so
    }
    this.actions.push({ kind, traceId, status: response.status, ms });
    return { status: response.status, body: parsed, ms, traceId };
  }
}
