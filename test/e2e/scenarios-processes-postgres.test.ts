import { loadScenarios } from '../../src/scenarios/load.js';
import { everyScenarioIn } from '../support/scenario-matrix.js';
import { smallerCrowds } from '../support/smaller-crowds.js';
import { placements } from '../support/transports.js';

// Every scenario on every style with one process per service over RabbitMQ on PostgreSQL (throwaway schemas;
// crowds of ten customers, see smallerCrowds), golden diagrams and reference flows checked on the same runs.
everyScenarioIn(placements.filter((p) => p.name === 'processes over RabbitMQ on PostgreSQL'), smallerCrowds(await loadScenarios()));
