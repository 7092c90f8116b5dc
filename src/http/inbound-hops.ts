import type { RequestHandler } from 'express';
import { traceOf } from './service-app.js';
import { routeLabel } from './service-client.js';
import type { Recorder } from '../tracing/recorder.js';

/** Records each request that reaches the edge (the gateway) as a hop from `from` (the Client). */
export function inboundHops(recorder: Recorder, from: string): RequestHandler {
  return (req, res, next) => {
    const trace = traceOf(res);
    if (!trace || !recorder.enabled) return next();
    const hop = recorder.begin({ kind: 'http', from, to: trace.service, label: routeLabel(req.method, req.path), traceId: trace.traceId, parentSpanId: trace.spanId });
    res.on('close', () => hop.end({ status: res.statusCode, outcome: res.writableFinished ? 'ok' : 'aborted' }));
    res.locals.trace = { ...trace, spanId: hop.spanId };
    next();
  };
}
