import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMPENSATIONS } from '../../src/diagrams/compensations.js';
import { openRenderer, type Renderer } from '../../src/diagrams/renderer.js';
import { sequenceDiagram } from '../../src/diagrams/sequence-diagram.js';
import type { Hop, HopKind } from '../../src/tracing/recorder.js';

/** A trace built hop by hop, each starting after the one before, as a system would record it. */
function trace() {
  const hops: Hop[] = [];
  const add = (kind: HopKind, from: string, to: string, label: string, parent?: Hop, extra: Partial<Hop> = {}): Hop => {
    const start = hops.length;
    const hop: Hop = { spanId: `s${hops.length}`, parentSpanId: parent?.spanId, traceId: 't', kind, from, to, label, outcome: 'ok', start, end: start + 100, ...extra };
    hops.push(hop);
    return hop;
  };
  return {
    hops,
    http: (from: string, to: string, label: string, status: number, parent?: Hop) => add('http', from, to, label, parent, { status }),
    local: (service: string, label: string, parent: Hop) => add('local', service, service, label, parent),
    publish: (from: string, type: string, parent?: Hop) => add('publish', from, 'Broker', type, parent),
    consume: (to: string, publish: Hop) => add('consume', 'Broker', to, publish.label, publish),
  };
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('compensations in sequence diagrams', () => {
  test('a trace without compensations is drawn exactly as before (hybrid order placement, as in the golden file)', () => {
    const t = trace();
    const client = t.http('Client', 'gateway', 'POST /api/v1/ordering/orders', 202);
    const orders = t.http('gateway', 'order', 'POST /orders', 202, client);
    t.local('order', 'order pending', orders);
    const create = t.publish('order', 'CreatePayment', orders);
    const charge = t.consume('billing', create);
    t.local('billing', 'payment taken', charge);
    const created = t.consume('order', t.publish('billing', 'PaymentCreated', charge));
    t.local('order', 'order pending → succeeded', created);
    const outcome = t.publish('order', 'OrderCreated', created);
    t.consume('gateway', outcome);
    t.local('notification', 'notification stored and sent', t.consume('notification', outcome));
    expect(sequenceDiagram(t.hops)).toBe(
      lines(
        'sequenceDiagram',
        '  participant Client as Client',
        '  participant gateway as Gateway',
        '  participant billing as Billing',
        '  participant order as Order',
        '  participant notification as Notification',
        '  participant Broker as Broker',
        '  Client->>gateway: POST /api/v1/ordering/orders',
        '  gateway->>order: POST /orders',
        '  Note over order: order pending',
        '  order-)Broker: CreatePayment',
        '  par',
        '    order-->>gateway: 202',
        '    gateway-->>Client: 202',
        '  and',
        '    Broker-)billing: CreatePayment',
        '    Note over billing: payment taken',
        '    billing-)Broker: PaymentCreated',
        '    Broker-)order: PaymentCreated',
        '    Note over order: order pending → succeeded',
        '    order-)Broker: OrderCreated',
        '    par',
        '      Broker-)gateway: OrderCreated',
        '    and',
        '      Broker-)notification: OrderCreated',
        '      Note over notification: notification stored and sent',
        '    end',
        '  end',
      ),
    );
  });

  test('consecutive REST compensations share one coloured block whose note names what they undo, in order', () => {
    const t = trace();
    const client = t.http('Client', 'gateway', 'POST /api/v1/ordering/orders/{id}/cancel', 200);
    const cancel = t.http('gateway', 'order', 'POST /orders/{id}/cancel', 200, client);
    t.local('order', 'order reserved → cancelled', cancel);
    t.local('stock', 'reservation released', t.http('order', 'stock', 'POST /reservations/{id}/release', 200, cancel));
    t.local('billing', 'payment refunded', t.http('order', 'billing', 'POST /payments/{id}/refund', 200, cancel));
    expect(sequenceDiagram(t.hops)).toBe(
      lines(
        'sequenceDiagram',
        '  participant Client as Client',
        '  participant gateway as Gateway',
        '  participant billing as Billing',
        '  participant order as Order',
        '  participant stock as Stock',
        '  Client->>gateway: POST /api/v1/ordering/orders/{id}/cancel',
        '  gateway->>order: POST /orders/{id}/cancel',
        '  Note over order: order reserved → cancelled',
        '  rect rgba(255, 120, 120, 0.15)',
        '  Note over stock,billing: compensation: release, refund',
        '  order->>stock: POST /reservations/{id}/release',
        '  Note over stock: reservation released',
        '  stock-->>order: 200',
        '  order->>billing: POST /payments/{id}/refund',
        '  Note over billing: payment refunded',
        '  billing-->>order: 200',
        '  end',
        '  order-->>gateway: 200',
        '  gateway-->>Client: 200',
      ),
    );
  });

  test('one compensation alone: the note spans the two participants, the failed answer inside the block', () => {
    const t = trace();
    Object.assign(t.http('order', 'billing', 'POST /payments/{id}/refund', 0), { status: undefined, outcome: 'timeout' });
    expect(sequenceDiagram(t.hops)).toContain(
      lines('  rect rgba(255, 120, 120, 0.15)', '  Note over order,billing: compensation: refund', '  order->>billing: POST /payments/{id}/refund', '  billing--xorder: timeout', '  end'),
    );
  });

  test('compensation messages: the blocks nest inside the par branches, around the deliveries and what they undo', () => {
    const t = trace();
    const cancel = t.http('gateway', 'order', 'POST /orders/{id}/cancel', 202);
    t.local('order', 'order paid → cancelled', cancel);
    const refund = t.publish('order', 'RefundPayment', cancel);
    const billing = t.consume('billing', refund);
    t.local('billing', 'payment refunded', billing);
    const refunded = t.consume('order', t.publish('billing', 'PaymentRefunded', billing));
    t.local('order', 'refund recorded', refunded);
    t.publish('order', 'OrderFailed', refunded);
    expect(sequenceDiagram(t.hops).split('\n').slice(5).join('\n')).toBe(
      lines(
        '  gateway->>order: POST /orders/{id}/cancel',
        '  Note over order: order paid → cancelled',
        '  rect rgba(255, 120, 120, 0.15)',
        '  Note over order,Broker: compensation: refund',
        '  order-)Broker: RefundPayment',
        '  end',
        '  par',
        '    order-->>gateway: 202',
        '  and',
        '    rect rgba(255, 120, 120, 0.15)',
        '    Note over Broker,billing: compensation: refund',
        '    Broker-)billing: RefundPayment',
        '    Note over billing: payment refunded',
        '    billing-)Broker: PaymentRefunded',
        '    Broker-)order: PaymentRefunded',
        '    Note over order: refund recorded',
        '    end',
        '    order-)Broker: OrderFailed',
        '  end',
      ),
    );
  });

  test('OrderCancelled is a compensation where it reaches a service with a step to undo (choreography), not as an outcome event', () => {
    const broadcast = trace();
    const cancelled = broadcast.publish('order', 'OrderCancelled');
    broadcast.local('stock', 'reservation released', broadcast.consume('stock', cancelled));
    broadcast.consume('notification', cancelled);
    expect(sequenceDiagram(broadcast.hops).split('\n').slice(5).join('\n')).toBe(
      lines(
        '  rect rgba(255, 120, 120, 0.15)',
        '  Note over order,Broker: compensation: cancellation broadcast',
        '  order-)Broker: OrderCancelled',
        '  par',
        '    Broker-)notification: OrderCancelled',
        '  and',
        '    Broker-)stock: OrderCancelled',
        '    Note over stock: reservation released',
        '  end',
        '  end',
      ),
    );

    const outcome = trace();
    outcome.consume('notification', outcome.publish('order', 'OrderCancelled'));
    expect(sequenceDiagram(outcome.hops)).not.toContain('rect');
  });

  test('the list names each REST call and message once, with what it undoes', () => {
    expect(COMPENSATIONS.map((c) => `${c.hop}: ${c.kind}`)).toEqual([
      'POST /payments/{id}/refund: refund',
      'POST /reservations/{id}/release: release',
      'POST /deliveries/{id}/return: return',
      'POST /reservations/{id}/restock: return',
      'RefundPayment: refund',
      'PaymentRefunded: refund',
      'ReleaseStock: release',
      'StockReleased: release',
      'ReturnDelivery: return',
      'DeliveryReturned: return',
      'OrderCancelled: cancellation broadcast',
    ]);
  });
});

describe('rendered', () => {
  let renderer: Renderer | undefined;
  beforeAll(async () => {
    renderer = await openRenderer();
  });
  afterAll(() => renderer?.close());

  test('a diagram with compensation blocks inside par branches renders to an SVG with the coloured block and its note', async () => {
    expect(renderer, 'Chromium is needed to render (apt-get install chromium)').toBeDefined();
    const t = trace();
    const cancel = t.http('gateway', 'order', 'POST /orders/{id}/cancel', 202);
    const release = t.publish('order', 'ReleaseStock', cancel);
    const stock = t.consume('stock', release);
    const released = t.consume('order', t.publish('stock', 'StockReleased', stock));
    t.local('billing', 'payment refunded', t.http('order', 'billing', 'POST /payments/{id}/refund', 200, released));
    const mermaid = sequenceDiagram(t.hops);
    expect(mermaid).toContain('    Note over Broker,billing: compensation: release, refund\n');
    // A Mermaid syntax error makes render() throw.
    const svg = (await renderer!.render(mermaid, 'svg')).toString('utf8');
    expect(new XMLParser().parse(svg).svg).toBeDefined();
    expect(svg).toContain('compensation: release');
    expect(svg).toContain('rgba(255, 120, 120, 0.15)');
  });
});
