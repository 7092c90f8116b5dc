import type { Hop } from './recorder.js';

/** Which broker the messages went through, for the spans' messaging attributes. */
export interface ExportContext {
  variant: string;
  broker: string;
}

/**
 * Replays recorded hops through the OpenTelemetry SDK and exports them over OTLP/HTTP (JSON)
 * to `endpoint` (e.g. http://127.0.0.1:4318, Jaeger's or a collector's). Each participant is
 * its own service (`orderctl.billing`, …); ids, parents and times are the recorded ones, so the
 * trace a collector shows is the one orderctl drew. The SDK is loaded only when asked for.
 */
export async function exportOtlp(hops: Hop[], endpoint: string, context: ExportContext): Promise<number> {
  const [{ ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace }, sdk, { resourceFromAttributes }, { OTLPTraceExporter }, { ExportResultCode }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/core'),
  ]);
  const finished = new sdk.InMemorySpanExporter();

  let next = { traceId: '', spanId: '' };
  const idGenerator = { generateTraceId: () => next.traceId, generateSpanId: () => next.spanId };
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const providers = new Map<string, InstanceType<typeof sdk.BasicTracerProvider>>();
  const tracerOf = (service: string) => {
    let provider = providers.get(service);
    if (!provider) {
      provider = new sdk.BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': `orderctl.${service.toLowerCase()}`, 'orderctl.variant': context.variant }),
        idGenerator,
        spanProcessors: [new sdk.SimpleSpanProcessor(finished)],
      });
      providers.set(service, provider);
    }
    return provider.getTracer('orderctl');
  };

  const KIND = { http: SpanKind.CLIENT, publish: SpanKind.PRODUCER, consume: SpanKind.CONSUMER, local: SpanKind.INTERNAL } as const;
  for (const hop of hops) {
    const owner = hop.kind === 'consume' ? hop.to : hop.from;
    const parent = hop.parentSpanId ? trace.setSpanContext(ROOT_CONTEXT, { traceId: hop.traceId, spanId: hop.parentSpanId, traceFlags: TraceFlags.SAMPLED }) : ROOT_CONTEXT;
    const messaging = hop.kind === 'publish' || hop.kind === 'consume';
    next = { traceId: hop.traceId, spanId: hop.spanId };
    const span = tracerOf(owner).startSpan(
      hop.kind === 'local' ? hop.label : messaging ? `${hop.kind} ${hop.label}` : hop.label,
      {
        kind: KIND[hop.kind],
        startTime: hop.start,
        attributes: {
          'orderctl.from': hop.from,
          'orderctl.to': hop.to,
          'orderctl.outcome': hop.outcome,
          ...(hop.kind === 'http' ? { 'http.request.method': hop.label.split(' ')[0], 'url.path': hop.label.split(' ')[1], 'server.address': hop.to } : {}),
          ...(hop.status !== undefined ? { 'http.response.status_code': hop.status } : {}),
          ...(messaging ? { 'messaging.system': context.broker, 'messaging.destination.name': hop.label, 'messaging.operation.type': hop.kind === 'publish' ? 'send' : 'process' } : {}),
          ...(hop.messageId ? { 'messaging.message.id': hop.messageId } : {}),
        },
      },
      parent,
    );
    if (hop.outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: hop.outcome });
    span.end(hop.end);
  }
  const spans = finished.getFinishedSpans();
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 10_000 });
  try {
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
    if (result.code !== ExportResultCode.SUCCESS) throw new Error(`could not export the spans to ${url}: ${result.error?.message ?? 'export failed'}`);
  } finally {
    await exporter.shutdown();
    await Promise.all([...providers.values()].map((p) => p.shutdown()));
  }
  return spans.length;
}
