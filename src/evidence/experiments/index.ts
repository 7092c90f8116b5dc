import type { Experiment } from '../experiment.js';
import { accountOpening } from './account-opening.js';
import { billingReplicas } from './billing-replicas.js';
import { billingStopped } from './billing-stopped.js';
import { declaration } from './declaration.js';
import { learningTheOutcome } from './learning-the-outcome.js';
import { notificationFaults } from './notification-faults.js';
import { orderSaga } from './order-saga.js';
import { partsStopped } from './parts-stopped.js';
import { perHopLatency } from './per-hop-latency.js';
import { recordedRequests } from './recorded-requests.js';

/** Every experiment, in the order they run. */
export const EXPERIMENTS: Experiment[] = [declaration, recordedRequests, perHopLatency, notificationFaults, billingStopped, accountOpening, learningTheOutcome, orderSaga, partsStopped, billingReplicas];
