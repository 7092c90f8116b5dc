import { performance } from 'node:perf_hooks';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { formatTraceparent, newSpanId, newTraceId } from '../tracing/context.js';

/** One request the client made: what kind of action, its trace, its answer and how long it took. */
export interface ClientAction {
  kind: string;
  traceId: string;
  status: number;
  ms: number;
}

/** One exchange as the client saw it, in the order the answers came: what the history rules judge. */
export interface HistoryEntry {
  kind: string;
  method: string;
  /** The path under /api/v1. */
  path: string;
  status: number;
  body: any;
  /** The Idempotency-Key the request carried, who sent it (their token) and what it sent: a key is scoped to its user and body. */
  key?: string;
  token?: string;
  sent?: string;
  /** When the request left and when its answer came (performance.now()). */
  startedAt: number;
  endedAt: number;
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
  /** Every exchange but a crowd's (load, not actions anyone follows), in the order the answers came. */
  readonly history: HistoryEntry[] = [];

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
    if (!kind.startsWith('crowd ')) {
      const key = Object.entries(request.headers ?? {}).find(([h]) => h.toLowerCase() === 'idempotency-key')?.[1];
      const asked = key ? { key, ...(request.token ? { token: request.token } : {}), ...(body !== undefined ? { sent: body } : {}) } : {};
      this.history.push({ kind, method, path, status: response.status, body: parsed, ...asked, startedAt: started, endedAt: started + ms });
    }
    return { status: response.status, body: parsed, ms, traceId };
  }

  /**
   * Subscribes to a server-sent event stream and reads it until `done` says an event is the last one
   * wanted (or the server ends the stream); the answer's body is that event's data. A stream that is not
   * one (a 404, say) is answered like `send` answers it.
   */
  async watch(kind: string, path: string, request: ApiRequest, done: (event: StreamEvent) => boolean, timeoutMs = 30_000): Promise<ApiResponse & { events: StreamEvent[] }> {
    const traceId = newTraceId();
    const headers: Record<string, string> = { traceparent: formatTraceparent(traceId, newSpanId()), accept: 'text/event-stream', ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    const started = performance.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no final event within ${timeoutMs} ms`)), timeoutMs);
    const events: StreamEvent[] = [];
    try {
      const response = await fetch(`${this.baseUrl}/api/v1${path}`, { headers, signal: abort.signal });
      let body: unknown;
      if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
        const text = await response.text();
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
      } else {
        const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
        for (;;) {
          const { value, done: ended } = await reader.read();
          if (ended) break;
          const event: StreamEvent = { event: value.event ?? 'message', data: JSON.parse(value.data) };
          events.push(event);
          body = event.data;
          if (done(event)) {
            await reader.cancel();
            break;
          }
        }
      }
      const ms = performance.now() - started;
      this.actions.push({ kind, traceId, status: response.status, ms });
      return { status: response.status, body, ms, traceId, events };
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }
}

/** One server-sent event: its name and its data (JSON). */
export interface StreamEvent {
  event: string;
  data: any;
}
