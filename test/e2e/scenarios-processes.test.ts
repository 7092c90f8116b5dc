import { loadScenarios } from '../../src/scenarios/load.js';
import { everyScenarioIn } from '../support/scenario-matrix.js';
import { placements } from '../support/transports.js';

// Every scenario on every style with one process per service over RabbitMQ, on SQLite and on PostgreSQL
// (one boot each), golden diagrams and reference flows checked on the same runs. A file of its own so
// that it runs beside scenarios-one-process.test.ts.
everyScenarioIn(placements.slice(2), await loadScenarios());
