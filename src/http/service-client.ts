import { Agent, request, type Dispatcher } from 'undici';
import { AppError, codeForStatus } from '../core/errors.js';
import { formatTraceparent, newSpanId, newTraceId, type TraceContext } from '../tracing/context.js';
import type { Recorder } from '../tracing/recorder.js';
import type { CallPolicy } from './call-policy.js';
import { CREDENTIAL_HEADER, credentialFor, type ServiceCredentials } from './service-credentials.js';

/** Where each service listens: name -> base URL. */
export type ServiceDirectory = Map<string, string>;

/** What another service answered. */
export interface ServiceResponse<T = any> {
  status: number;
  body: T;
}

const ID_SEGMENT = /\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$|\?)/gi;

/** `/users/6f1c...` -> `/users/{id}`: the label of a hop, the same for every id. */
export const routeLabel = (method: string, path: string) =>
  `${method} ${path.replace(ID_SEGMENT, '/{id}').replace(/\?.*$/, '')}`;

/** Keep-alive connections between services, with Nagle off: a request's headers and body never wait for a delayed ACK. */
export const serviceAgent = () => new Agent({ connect: { noDelay: true }, keepAliveTimeout: 10_000, connections: 128 });

/** One service's REST client to the others: propagates `traceparent` and records each call as a hop. */
export class ServiceClient {
  constructor(
    readonly from: string,
    private readonly directory: ServiceDirectory,
    private readonly recorder: Recorder,
    private readonly agent: Dispatcher,
    private readonly timeoutMs = 10_000,
    /** The style's resilience on some calls (a link's timeout, retries, breaker), by callee and call (`billing POST /payments/{id}/refund`). */
    private readonly policies: ReadonlyMap<string, CallPolicy> = new Map(),
    /** The credentials of this service's links: each call carries the one of its callee. */
    private readonly credentials?: ServiceCredentials,
  ) {}

  /** Calls `to` as part of `trace`'s work, under its link's policy when the style declares one for this very call; every attempt is a recorded hop. */
  call<T = any>(trace: TraceContext | undefined, to: string, method: string, path: string, body?: unknown): Promise<ServiceResponse<T>> {
    const policy = this.policies.size ? this.policies.get(`${to} ${routeLabel(method, path)}`) : undefined;
    return policy ? policy.execute((signal) => this.once<T>(trace, to, method, path, body, signal), trace) : this.once<T>(trace, to, method, path, body);
  }

  private async once<T>(trace: TraceContext | undefined, to: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<ServiceResponse<T>> {
    const base = this.directory.get(to);
    if (!base) throw new AppError('UPSTREAM_FAILED', `service ${to} is not running`);
    const spanId = newSpanId();
    const traceId = trace?.traceId ?? newTraceId();
    const hop = this.recorder.begin({ kind: 'http', from: this.from, to, label: routeLabel(method, path), traceId, parentSpanId: trace?.spanId, spanId });
    const headers: Record<string, string> = { traceparent: formatTraceparent(traceId, spanId) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (trace?.correlationId) headers['x-correlation-id'] = trace.correlationId;
    const credential = credentialFor(this.credentials, this.from, to);
    if (credential) headers[CREDENTIAL_HEADER] = credential;
    let status: number;
    let text: string;
    try {
      const response = await request(base + path, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.agent,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
      hop.end({ status });
    } catch (error) {
      const timedOut = /Timeout/.test((error as Error).name) || /TIMEOUT/.test((error as { code?: string }).code ?? '') || signal?.aborted === true;
      hop.end({ outcome: timedOut ? 'timeout' : 'unreachable' });
      throw timedOut
        ? new AppError('UPSTREAM_TIMEOUT', `${to} did not answer ${method} ${path} within ${this.timeoutMs} ms`)
        : new AppError('UPSTREAM_FAILED', `${to} is unreachable (${(error as Error).message})`);
    }
    try {
      return { status, body: text ? JSON.parse(text) : undefined };
    } catch {
      throw new AppError('UPSTREAM_FAILED', `${to} answered ${method} ${path} with a body that is not JSON`);
    }
  }

  /** Asks `to` for its `GET /health`, unrecorded: true when it answers 200 within `timeoutMs`. */
  async probe(to: string, timeoutMs = 1_000): Promise<boolean> {
    const base = this.directory.get(to);
    if (!base) return false;
    try {
      const response = await request(`${base}/health`, { dispatcher: this.agent, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false;
    }
  }

  /** Like `call`, but any non-2xx answer becomes an AppError carrying the callee's status and message. */
  async expect<T = any>(trace: TraceContext | undefined, to: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.call<T>(trace, to, method, path, body);
    if (response.status >= 200 && response.status < 300) return response.body;
    throw upstreamError(to, response);
  }
}

/** What another service's error answer becomes for the caller: its status and message; a 500 there is a 502 here. */
export function upstreamError(to: string, response: { status: number; body?: unknown }): AppError {
  const message = (response.body as { message?: string } | undefined)?.message ?? `${to} answered ${response.status}`;
  if (response.status === 500) return new AppError('UPSTREAM_FAILED', `${to} failed: ${message}`, { upstream: to });
  return new AppError(codeForStatus(response.status), message, { upstream: to });
}
