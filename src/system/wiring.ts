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

/** The gateway's ports: how it has the client's commands done. */
export interface GatewayPorts {
  commands: GatewayCommands;
}

/**
 * What each service hands the sides of the links in the process that runs it: its logic (`service`),
 * the flow its consumers drive, and the ports its flow reaches the others through (given by the links'
 * sides, then checked against the plan and frozen before the service serves).
 */
export interface ServiceParts {
  gateway: { service: OrderPush; flow: undefined; ports: GatewayPorts };
  identity: { service: IdentityService; flow: RegistrationFlow; ports: IdentityPorts };
  billing: { service: BillingService; flow: undefined; ports: object };
  order: { service: OrderingService; flow: OrderFlow; ports: OrderingPorts };
  notification: { service: NotificationService; flow: NotificationFlow; ports: NotificationPorts };
  stock: { service: StockService; flow: undefined; ports: object };
  delivery: { service: DeliveryService; flow: undefined; ports: object };
}

/** The ports of service `S`. */
export type PortsOf<S extends ServiceName> = ServiceParts[S]['ports'];

/**
 * What one side of a link works with in the process that runs service `S`: that service's own logic,
 * flow, REST client, bus, store and outbox relay, and nothing of another service's.
 */
export type SideContext<S extends ServiceName> = {
  variant: Variant;
  service: ServiceParts[S]['service'];
  flow: ServiceParts[S]['flow'];
  http: ServiceClient;
  bus: ServiceBus;
  commandTimeoutMs: number;
} & (S extends StoreOwner ? { store: Store; relay: OutboxRelay } : object);

/** What one side of a link does in the process that runs service `S`; it gives back the ports it makes for that service. */
export type Side<S extends ServiceName> = (c: SideContext<S>) => Partial<PortsOf<S>> | void | Promise<Partial<PortsOf<S>> | void>;

/** One way of making a link: what it adds to a style (declared, read by the plan) and what each service involved does. */
export interface Way {
  declare(variant: Variant): WayDeclaration;
  sides: { [S in ServiceName]?: Side<S> };
}

/** A link between services, made one way or another. */
export type Link<Style extends string> = Record<Style, Way>;
