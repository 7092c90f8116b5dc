import type { Scenario } from '../../src/scenarios/scenario-schema.js';

/**
 * The scenarios with every crowd step cut to `users` customers, each still placing all its orders at once:
 * the race on each account is the same, the load (and the password hashing of fifty sign-ups) smaller.
 * The full crowds run in one placement; the others run these.
 */
export const smallerCrowds = (scenarios: readonly Scenario[], users = 10): Scenario[] =>
  scenarios.map((s) => ({ ...s, steps: s.steps.map((step) => (step.action === 'crowd' ? { ...step, args: { ...step.args, users: Math.min(users, step.args.users) } } : step)) }));
