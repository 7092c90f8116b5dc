/**
 * The reference flows of each variant, hop by hop: what a recorded registration and order
 * placement must show, in this order. `=>` is an HTTP request, `~>` a message put on the
 * broker, `~~` its delivery to a consumer. A `{ par: [...] }` item holds branches that run
 * concurrently: each branch keeps its own order, the branches interleave freely.
 */
export type FlowItem = string | { par: string[][] };

/** One reference flow per client action. */
export interface ReferenceFlows {
  registration: FlowItem[];
  order: FlowItem[];
}

const register = 'Client => gateway POST /api/v1/identity/register';
const placeOrder = 'Client => gateway POST /api/v1/ordering/orders';

export const referenceFlows: Record<string, ReferenceFlows> = {
  http: {
    registration: [register, 'gateway => identity POST /register', 'identity => billing PUT /accounts/{id}'],
    order: [
      placeOrder,
      'gateway => order POST /orders',
      'order => billing POST /payments',
      'order => notification POST /notifications',
      'notification => identity GET /users/{id}',
    ],
  },
  'event-notification': {
    registration: [
      register,
      'gateway ~> Broker RegistrationRequested',
      'Broker ~~ identity RegistrationRequested',
      'identity ~> Broker UserCreated',
      { par: [['Broker ~~ gateway UserCreated', 'gateway => identity GET /users/{id}'], ['Broker ~~ billing UserCreated']] },
    ],
    order: [
      placeOrder,
      'gateway ~> Broker CreateOrder',
      'Broker ~~ order CreateOrder',
      'order ~> Broker PaymentRequired',
      'Broker ~~ billing PaymentRequired',
      'billing => order GET /orders/{id}',
      'billing ~> Broker PaymentCreated',
      'Broker ~~ order PaymentCreated',
      'order ~> Broker OrderCreated',
      {
        par: [
          ['Broker ~~ gateway OrderCreated'],
          ['Broker ~~ notification OrderCreated', 'notification => order GET /orders/{id}', 'notification => identity GET /users/{id}'],
        ],
      },
    ],
  },
  'event-collaboration': {
    registration: [
      register,
      'gateway ~> Broker RegistrationRequested',
      'Broker ~~ identity RegistrationRequested',
      'identity ~> Broker UserCreated',
      { par: [['Broker ~~ gateway UserCreated'], ['Broker ~~ billing UserCreated'], ['Broker ~~ notification UserCreated']] },
    ],
    order: [
      placeOrder,
      'gateway ~> Broker CreateOrder',
      'Broker ~~ order CreateOrder',
      'order ~> Broker CreatePayment',
      'Broker ~~ billing CreatePayment',
      'billing ~> Broker PaymentCreated',
      'Broker ~~ order PaymentCreated',
      'order ~> Broker OrderCreated',
      { par: [['Broker ~~ gateway OrderCreated'], ['Broker ~~ notification OrderCreated']] },
    ],
  },
  hybrid: {
    registration: [
      register,
      'gateway => identity POST /register',
      'identity ~> Broker UserCreated',
      { par: [['Broker ~~ billing UserCreated'], ['Broker ~~ notification UserCreated']] },
    ],
    order: [
      placeOrder,
      'gateway => order POST /orders',
      'order ~> Broker CreatePayment',
      'Broker ~~ billing CreatePayment',
      'billing ~> Broker PaymentCreated',
      'Broker ~~ order PaymentCreated',
      'order ~> Broker OrderCreated',
      'Broker ~~ notification OrderCreated',
    ],
  },
};

/**
 * Lays the expected flow out in the order the recording shows, wherever concurrency allows it;
 * the result equals `recorded` exactly when the recording follows the flow.
 */
export function arrange(expected: FlowItem[], recorded: string[]): string[] {
  const out: string[] = [];
  for (const item of expected) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const all = item.par.flat();
    const window = recorded.slice(out.length, out.length + all.length);
    const consistent = item.par.every((branch) => window.filter((h) => branch.includes(h)).join('\n') === branch.join('\n'));
    out.push(...(consistent && window.length === all.length ? window : all));
  }
  return out;
}
