import type { ServiceName } from '../system/wiring.js';
import billing from './billing/module.js';
import gateway from './gateway/module.js';
import identity from './identity/module.js';
import type { ServiceModule } from './module.js';
import notification from './notification/module.js';
import order from './ordering/module.js';
import stock from './stock/module.js';
import delivery from './delivery/module.js';

/** Every service of the order system: adding one is adding its module here. */
export const MODULES: { [S in ServiceName]: ServiceModule<any, S> } = { gateway, identity, billing, order, notification, stock, delivery };
