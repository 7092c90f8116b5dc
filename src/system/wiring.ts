import type { OutboxRelay } from '../broker/outbox-relay.js';
import type { ServiceBus } from '../broker/service-bus.js';
import type { ServiceClient } from '../http/service-client.js';
import type { BillingService } from '../services/billing/billing-service.js';
import type { GatewayCommands } from '../services/gateway/gateway-commands.js';
import type { OrderPush } from '../services/gateway/order-push.js';
import type { IdentityPorts, RegistrationFlow } from '../services/identity/identity-flow.js';
import type { IdentityService } from '../services/identity/identity-service.js';
import type { NotificationFlow, NotificationPorts } from '../services/notification/notification-flow.js';
import type { NotificationService } from '../services/notification/notification-service.js';
import type { OrderFlow, OrderingPorts } from '../services/ordering/order-flow.js';
import type { OrderingService } from '../services/ordering/ordering-service.js';
import type { StockService } from '../services/stock/stock-service.js';
import type { DeliveryService } from '../services/delivery/delivery-service.js';
import type { Store } from '../storage/store.js';
import type { Variant } from '../variants/variant.js';
import type { WayDeclaration } from './plan.js';

/** The participants of the order system. */
export const SERVICES = ['gateway', 'identity', 'billing', 'order', 'notification', 'stock', 'delivery'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Every service but the gateway keeps a database of its own. */
export type StoreOwner = Exclude<ServiceName, 'gateway'>;

/**
 * Everything a link may use while it wires the system of one variant. A process fills in only
 * the services it runs: a link's side for `billing` touches only billing's entries.
 */
export interface Wiring {
  variant: Variant;
  services: { identity: IdentityService; billing: BillingService; ordering: OrderingService; notification: NotificationService; stock: StockService; delivery: DeliveryService };
  flows: { registration: RegistrationFlow; order: OrderFlow; notification: NotificationFlow };
  /** Filled by the links: how each service reaches the others. */
  ports: { identity: IdentityPorts; ordering: OrderingPorts; notification: NotificationPorts; gateway: GatewayCommands; push: OrderPush };
  http: Record<ServiceName, ServiceClient>;
  bus: Record<ServiceName, ServiceBus>;
  /** Each service's store: a link that answers a command writes its reply there, in the transaction of the delivery. */
  stores: Record<StoreOwner, Store>;
  /** Each service's outbox relay: a link routes the service's domain events to broker messages or REST calls here. */
  relay: Record<StoreOwner, OutboxRelay>;
  commandTimeoutMs: number;
}

/** What one side of a link does in the process that runs that service. */
export type Side = (w: Wiring) => void | Promise<void>;

/** One way of making a link: what it adds to a style (declared, read by the plan) and what each service involved does. */
export interface Way {
  declare(variant: Variant): WayDeclaration;
  sides: Partial<Record<ServiceName, Side>>;
}

/** A link between services, made one way or another. */
export type Link<Style extends string> = Record<Style, Way>;
