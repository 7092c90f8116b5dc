import { ordersWith, REPLICAS } from './experiments/billing-replicas.js';
import { acceptedWithout, completedWithout, PARTS } from './experiments/parts-stopped.js';

/** The design documents claims come from, by their numbers. */
export const DOCUMENTS = ['000', '001', '002', '003', '004'] as const;
/** A design document's number. */
export type DocumentId = (typeof DOCUMENTS)[number];

/** What a claim's chart draws: bars of some figures per style (one unit), or the answer against latency added per hop. */
export type ClaimChart = { kind: 'bars'; figures: string[]; yTitle: string; percent?: boolean } | { kind: 'latency' };

/** A claim the design documents make about a style, in our words, with the experiments that try it. */
export interface Claim {
  id: string;
  /** The style it is about (its verdict is the claim's); it is still measured on every chosen style. */
  style: string;
  documents: DocumentId[];
  text: string;
  experiments: string[];
  /** The figures its rule reads (and its table shows), by measure id. */
  figures: string[];
  chart: ClaimChart;
}

const SCALE = ['scaleRatio', ...REPLICAS.map(ordersWith)];
/** Completed orders/s with billing ×1, ×2, ×3: a panel of its own beside a claim's other figures (its axis says orders/s; `yTitle` is the other panel's). */
const SCALE_BARS = REPLICAS.map(ordersWith);
const ACCOUNT = ['accountAfterAnswerSlowShare', 'registeredWhileBillingDownShare', 'firstUseFailShare', 'accountAfterAnswerShare', 'accountsLaterShare'];
const accountChart: ClaimChart = { kind: 'bars', figures: ['accountAfterAnswerShare', 'accountAfterAnswerSlowShare', 'registeredWhileBillingDownShare', 'firstUseFailShare'], yTitle: 'share of registrations (%)', percent: true };

/** Every claim, in the order the report shows them. */
export const CLAIMS: Claim[] = [
  {
    id: 'H1',
    style: 'http',
    documents: ['000', '002', '004'],
    text: 'Simple to build and to debug; the client learns the outcome at once.',
    experiments: ['recorded-requests', 'declaration'],
    figures: ['definiteShare', 'afterAnswerShare', 'messagesPerOrder', 'hopsPerOrder', 'participantsPerOrder', 'styleLines'],
    chart: { kind: 'bars', figures: ['definiteShare', 'afterAnswerShare'], yTitle: 'share of orders / of their hops (%)', percent: true },
  },
  {
    id: 'H2',
    style: 'http',
    documents: ['000'],
    text: 'Response time is long: it is the sum of the synchronous hops.',
    experiments: ['per-hop-latency', 'recorded-requests'],
    figures: ['answerSlope', 'waitedHops', 'finalSlope'],
    chart: { kind: 'latency' },
  },
  {
    id: 'H3',
    style: 'http',
    documents: ['000'],
    text: 'Work that could be asynchronous (sending the notification) is done synchronously, so a slow or failed notification slows or fails the order.',
    experiments: ['notification-faults'],
    figures: ['notificationDelayMs', 'notificationDownFailShare', 'baseAnswerMs', 'slowNotificationAnswerMs', 'notifiedShare'],
    chart: { kind: 'bars', figures: ['baseAnswerMs', 'slowNotificationAnswerMs', 'notificationDownAnswerMs'], yTitle: 'order answer p50 (ms)' },
  },
  {
    id: 'H4',
    style: 'http',
    documents: ['000', '001', '004'],
    text: 'Needs orchestration; high control coupling; strong coupling, synchronous blocking, failures hard to handle.',
    experiments: ['recorded-requests', 'billing-stopped'],
    figures: ['restBetweenPerOrder', 'waitedHops', 'billingDownFailedShare', 'restPeers'],
    chart: { kind: 'bars', figures: ['restBetweenPerOrder', 'waitedHops', 'restPeers'], yTitle: 'calls / hops / caller→callee pairs' },
  },
  {
    id: 'N1',
    style: 'event-notification',
    documents: ['000'],
    text: 'The broker does service discovery, so scaling is easier.',
    experiments: ['recorded-requests', 'billing-replicas'],
    figures: ['brokeredShare', ...SCALE, 'restPeers'],
    chart: { kind: 'bars', figures: ['brokeredShare', ...SCALE_BARS], yTitle: 'hand-overs through the broker (%)', percent: true },
  },
  {
    id: 'N2',
    style: 'event-notification',
    documents: ['000'],
    text: 'Account creation and notifications are asynchronous (notifications go in parallel with the answer).',
    experiments: ['notification-faults', 'account-opening'],
    figures: ['notificationDelayMs', 'registrationDelayMs'],
    chart: { kind: 'bars', figures: ['notificationDelayMs', 'registrationDelayMs'], yTitle: 'added to the answer (ms)' },
  },
  {
    id: 'N3',
    style: 'event-notification',
    documents: ['000'],
    text: 'More complex: the gateway talks to the broker and must keep state (correlation ids).',
    experiments: ['recorded-requests'],
    figures: ['correlationPerRequest', 'gatewayMessagesPerOrder'],
    chart: { kind: 'bars', figures: ['correlationPerRequest', 'gatewayMessagesPerOrder'], yTitle: 'per request / per order' },
  },
  {
    id: 'N4',
    style: 'event-notification',
    documents: ['000'],
    text: 'There are still synchronous calls between services; extra coupling (billing calls ordering).',
    experiments: ['recorded-requests'],
    figures: ['restBetweenPerOrder', 'billingCallsPerOrder', 'restPeers'],
    chart: { kind: 'bars', figures: ['restBetweenPerOrder', 'billingCallsPerOrder'], yTitle: 'REST calls per order' },
  },
  {
    id: 'N5',
    style: 'event-notification',
    documents: ['000'],
    text: 'Longer response time because of the extra trips through the broker.',
    experiments: ['per-hop-latency', 'recorded-requests'],
    figures: ['deliveriesBeforeAnswer', 'answerSlope'],
    chart: { kind: 'latency' },
  },
  {
    id: 'N6',
    style: 'event-notification',
    documents: ['000'],
    text: 'The account is created asynchronously: after a failure it may be missing, and it may not exist yet when first needed.',
    experiments: ['account-opening'],
    figures: ACCOUNT,
    chart: accountChart,
  },
  {
    id: 'C1',
    style: 'event-collaboration',
    documents: ['000'],
    text: 'Broker-based discovery and easier scaling; no API calls between services; low coupling (billing knows nothing of ordering).',
    experiments: ['recorded-requests', 'billing-replicas'],
    figures: ['restBetweenPerOrder', 'restBetweenPerRegistration', 'billingCallsPerOrder', 'brokeredShare', ...SCALE],
    chart: { kind: 'bars', figures: ['restBetweenPerOrder', 'restBetweenPerRegistration', 'billingCallsPerOrder', ...SCALE_BARS], yTitle: 'REST calls between services' },
  },
  {
    id: 'C2',
    style: 'event-collaboration',
    documents: ['001'],
    text: 'No extra calls to other services, so less read load on them.',
    experiments: ['recorded-requests'],
    figures: ['readsPerRequest'],
    chart: { kind: 'bars', figures: ['readsPerRequest'], yTitle: 'reads of other services per request' },
  },
  {
    id: 'C3',
    style: 'event-collaboration',
    documents: ['000'],
    text: "Services must keep copies of other services' data.",
    experiments: ['recorded-requests'],
    figures: ['copiesPerRegistration'],
    chart: { kind: 'bars', figures: ['copiesPerRegistration'], yTitle: 'copies kept per registration' },
  },
  {
    id: 'C4',
    style: 'event-collaboration',
    documents: ['000'],
    text: 'The same account race as N6; the gateway keeps correlation state.',
    experiments: ['account-opening', 'recorded-requests'],
    figures: [...ACCOUNT, 'correlationPerRequest'],
    chart: accountChart,
  },
  {
    id: 'C5',
    style: 'event-collaboration',
    documents: ['004'],
    text: 'Eventual consistency; harder to debug; order status must be tracked; fully asynchronous, highly scalable, resilient to failures.',
    experiments: ['billing-stopped', 'recorded-requests', 'billing-replicas'],
    figures: ['billingDownSucceededShare', 'billingDownConsistent', 'restBetweenPerOrder', 'messagesPerOrder', 'definiteShare', 'billingDownMisleadingShare', ...SCALE],
    chart: { kind: 'bars', figures: ['billingDownAcceptedShare', 'billingDownSucceededShare', 'billingDownMisleadingShare'], yTitle: 'share of orders placed while billing was stopped (%)', percent: true },
  },
  {
    id: 'Y1',
    style: 'hybrid',
    documents: ['000'],
    text: 'A balance of performance and simplicity: the gateway is only a proxy and never touches the broker; no correlation state anywhere.',
    experiments: ['recorded-requests'],
    figures: ['correlationPerRequest', 'gatewayMessagesPerOrder', 'orderAnswerMs'],
    chart: { kind: 'bars', figures: ['correlationPerRequest', 'gatewayMessagesPerOrder'], yTitle: 'per request / per order' },
  },
  {
    id: 'Y2',
    style: 'hybrid',
    documents: ['000'],
    text: 'The client waits for the order by polling or by push.',
    experiments: ['recorded-requests', 'learning-the-outcome'],
    figures: ['definiteShare', 'readsToLearn', 'pushAvailable', 'learnMs', 'pushMs'],
    chart: { kind: 'bars', figures: ['learnMs', 'pushMs'], yTitle: 'outcome known to the client, p50 (ms)' },
  },
  {
    id: 'Y3',
    style: 'hybrid',
    documents: ['000'],
    text: 'Low coupling: payments know nothing of who asked.',
    experiments: ['recorded-requests'],
    figures: ['billingCallsPerOrder'],
    chart: { kind: 'bars', figures: ['billingCallsPerOrder'], yTitle: 'REST calls billing makes per order' },
  },
  {
    id: 'Y4',
    style: 'hybrid',
    documents: ['000'],
    text: 'The account race of N6, and copies as in C3.',
    experiments: ['account-opening', 'recorded-requests'],
    figures: [...ACCOUNT, 'copiesPerRegistration'],
    chart: accountChart,
  },
  {
    id: 'S1',
    style: 'sync-billing',
    documents: ['004'],
    text: 'Notifications never block the order; the balance is checked at once, so the client gets a definite answer.',
    experiments: ['notification-faults', 'recorded-requests', 'learning-the-outcome'],
    figures: ['notificationDelayMs', 'notificationDownFailShare', 'definiteShare', 'refusedAtOnceShare'],
    chart: { kind: 'bars', figures: ['baseAnswerMs', 'slowNotificationAnswerMs', 'notificationDownAnswerMs'], yTitle: 'order answer p50 (ms)' },
  },
  {
    id: 'S2',
    style: 'sync-billing',
    documents: ['004'],
    text: 'Billing is still synchronous (the order fails when billing is down); more infrastructure.',
    experiments: ['billing-stopped', 'recorded-requests'],
    figures: ['billingDownFailedShare', 'restBetweenPerOrder', 'messagesPerOrder'],
    chart: { kind: 'bars', figures: ['billingDownAcceptedShare', 'billingDownFailedShare', 'billingDownSucceededShare'], yTitle: 'share of orders placed while billing was stopped (%)', percent: true },
  },
  {
    id: 'G1',
    style: 'choreography',
    documents: ['003'],
    text: 'Horizontal scaling is simple: add an instance and it consumes from the same queue.',
    experiments: ['order-saga', 'billing-replicas'],
    figures: ['sagaBrokeredShare', ...SCALE],
    chart: { kind: 'bars', figures: ['sagaBrokeredShare', ...SCALE_BARS], yTitle: 'saga hand-overs through the broker (%)', percent: true },
  },
  {
    id: 'G2',
    style: 'choreography',
    documents: ['003'],
    text: 'Services know nothing of each other; no service discovery is needed.',
    experiments: ['order-saga'],
    figures: ['sagaRestPeers', 'sagaRestPerSaga'],
    chart: { kind: 'bars', figures: ['sagaRestPeers', 'sagaRestPerSaga'], yTitle: 'pairs / calls' },
  },
  {
    id: 'G3',
    style: 'choreography',
    documents: ['003'],
    text: 'No single point of failure other than the broker.',
    experiments: ['parts-stopped'],
    figures: ['singlePoints', 'partsStoppedConsistent', ...PARTS.map(completedWithout), ...PARTS.map(acceptedWithout)],
    chart: { kind: 'bars', figures: PARTS.map(completedWithout), yTitle: 'orders placed while a part was stopped that completed (%)', percent: true },
  },
  {
    id: 'G4',
    style: 'choreography',
    documents: ['003'],
    text: 'Telling every service to undo its part after a failure is simple (one shared status channel).',
    experiments: ['order-saga', 'declaration'],
    figures: ['cancelReachedShare', 'cancelServices', 'cancelMessages', 'cancelRestCalls', 'undoPlaces', 'undoHops'],
    chart: { kind: 'bars', figures: ['cancelServices', 'cancelMessages', 'cancelRestCalls', 'undoPlaces'], yTitle: 'per cancel / links' },
  },
];
