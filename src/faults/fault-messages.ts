import type { Fault } from './fault.js';

/** Harness → service process (`--processes`): put a fault on or take it off, take every fault off, say who holds its claims, or give back what a killed predecessor claimed. */
export type FaultRequest =
  | { kind: 'fault'; id: number; fault: Fault }
  | { kind: 'heal'; id: number }
  | { kind: 'owners'; id: number }
  | { kind: 'release-claims'; id: number; owners: string[] };

/** What a process answers when asked who holds the outbox rows it claims (released for it when a crash kills it). */
export interface OwnersAnswer {
  owners: string[];
}
