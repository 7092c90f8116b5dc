import { eventName, linkOf, ORDER_STATUS_CHANNEL, type Variant } from './variant.js';

/** One line of a topology: who reaches whom, by REST (`=>`) or through the broker (`~>`), and with what. */
interface Edge {
  from: string;
  to: string;
  by: 'rest' | 'broker';
  what: string;
}

/** Which service reaches which in a style, by REST or through the broker (producer to consumer), read off its declaration. */
export function topologyEdges(variant: Variant): Edge[] {
  const { commands, events, links } = variant;
  const thin = events === 'thin';
  const edges: Edge[] = [{ from: 'Client', to: 'Gateway', by: 'rest', what: '/api/v1' }];
  const rest = (from: string, to: string, what: string) => edges.push({ from, to, by: 'rest', what });
  const event = (from: string, to: string[], what: string) => {
    for (const consumer of to) edges.push({ from, to: consumer, by: 'broker', what });
  };
  if (commands === 'rest') {
    rest('Gateway', 'Identity', 'register, login, profile');
    rest('Gateway', 'Billing', 'account, deposit, withdraw');
    rest('Gateway', 'Order', 'orders');
  } else {
    event('Gateway', ['Identity'], 'RegistrationRequested');
    event('Gateway', ['Billing'], 'DepositRequested / WithdrawRequested');
    event('Gateway', ['Order'], 'CreateOrder');
    event('Billing', ['Gateway'], 'replies');
    rest('Gateway', 'Identity', 'login, profile');
    rest('Gateway', 'Billing', 'account');
    rest('Gateway', 'Order', 'orders');
  }
  rest('Gateway', 'Notification', 'notifications');
  const userCreated = eventName(variant, 'UserCreated');
  const outcome = `${eventName(variant, 'OrderCreated')} / ${eventName(variant, 'OrderFailed')}`;
  const userConsumers = [...(links.accountOpening === 'event' ? ['Billing'] : []), ...(links.recipient === 'copy' ? ['Notification'] : []), ...(commands === 'broker' ? ['Gateway'] : [])];
  if (links.accountOpening === 'rest') rest('Identity', 'Billing', 'PUT /accounts');
  event('Identity', userConsumers, userCreated);
  if (links.payment === 'rest') rest('Order', 'Billing', 'POST /payments');
  else {
    event('Order', ['Billing'], thin ? 'PaymentRequired' : 'CreatePayment');
    event('Billing', ['Order'], `${eventName(variant, 'PaymentCreated')} / ${eventName(variant, 'PaymentFailed')}`);
    if (thin) rest('Billing', 'Order', 'GET /orders');
  }
  if (links.orderOutcome === 'rest') rest('Order', 'Notification', 'POST /notifications');
  else {
    event('Order', ['Notification', ...(commands === 'broker' ? ['Gateway'] : [])], outcome);
    if (thin) rest('Notification', 'Order', 'GET /orders');
  }
  if (links.recipient === 'rest') rest('Notification', 'Identity', 'GET /users');
  if (variant.push) event('Order', ['Gateway'], `${outcome} (push)`);
  sagaEdges(variant, rest, event);
  return edges;
}

/** The saga's hops: stock and delivery driven by the order service over its links, or all reacting to the order-status channel. */
function sagaEdges(variant: Variant, rest: (from: string, to: string, what: string) => void, event: (from: string, to: string[], what: string) => void): void {
  const thin = variant.events === 'thin';
  rest('Gateway', 'Stock', 'items');
  rest('Gateway', 'Delivery', 'zones, receipt');
  if (variant.saga === 'choreography') {
    const c = ORDER_STATUS_CHANNEL;
    event('Order', ['Billing', 'Stock', 'Delivery'], `${c.created}, ${c.cancelled}`);
    event('Billing', ['Order', 'Stock', 'Delivery'], `${c.paid}, ${c.cancelled}`);
    event('Stock', ['Order', 'Billing', 'Delivery'], `${c.reserved}, ${c.cancelled}`);
    event('Delivery', ['Order', 'Billing', 'Stock'], `${c.delivering}, ${c.done}, ${c.cancelled}`);
    event('Delivery', ['Stock'], 'DeliveryReturned');
    return;
  }
  if (linkOf(variant, 'payment') === 'rest') rest('Order', 'Billing', 'POST /payments/{id}/refund');
  else event('Order', ['Billing'], 'RefundPayment');
  if (linkOf(variant, 'reservation') === 'rest') rest('Order', 'Stock', 'POST /reservations, release, ship');
  else {
    event('Order', ['Stock'], 'ReserveStock, ReleaseStock, ShipStock');
    event('Stock', ['Order'], 'StockReserved / StockRefused');
    if (thin) rest('Stock', 'Order', 'GET /orders');
  }
  if (linkOf(variant, 'dispatch') === 'rest') {
    rest('Order', 'Delivery', 'POST /deliveries, return');
    rest('Delivery', 'Order', 'POST /orders/{id}/received');
    rest('Delivery', 'Stock', 'POST /reservations/{id}/restock');
  } else {
    event('Order', ['Delivery'], 'StartDelivery, ReturnDelivery');
    event('Delivery', ['Order'], 'DeliveryStarted / DeliveryRefused, DeliveryReceived');
    event('Delivery', ['Stock'], 'DeliveryReturned');
    if (thin) rest('Delivery', 'Order', 'GET /orders');
  }
}

/** The topology as a Mermaid flowchart: solid arrows are REST calls, dotted ones messages through the broker, from producer to consumer. */
export function topologyFlowchart(variant: Variant): string {
  const edges = topologyEdges(variant);
  const merged = new Map<string, Edge>();
  for (const edge of edges) {
    const key = `${edge.from}|${edge.to}|${edge.by}`;
    const seen = merged.get(key);
    if (seen) seen.what = seen.what.split(', ').includes(edge.what) ? seen.what : `${seen.what}, ${edge.what}`;
    else merged.set(key, { ...edge });
  }
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const lines = ['flowchart LR'];
  for (const node of ['Client', 'Gateway', 'Identity', 'Billing', 'Order', 'Notification', 'Stock', 'Delivery']) if (used.has(node)) lines.push(`  ${node}[${node}]`);
  for (const e of merged.values()) lines.push(`  ${e.from} ${e.by === 'rest' ? '-->' : '-.->'}|"${e.what}"| ${e.to}`);
  return `${lines.join('\n')}\n`;
}
