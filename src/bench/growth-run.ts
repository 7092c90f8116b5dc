import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spread } from '../core/stats.js';
import type { BenchListener } from './bench-run.js';
import { maxInFlightFor } from './bench-run.js';
import { runOpenLoop } from './open-loop.js';
import { seedDataDir, type SeedResult } from './seed-data-dir.js';
import { startSoakSut } from './soak-sut.js';
import { ratioSpread, spread } from './summaries.js';
import type { RunBasics } from './sut.js';

/** How to measure cost against data size: the same load on an empty data dir and on one seeded with `seedOrders` orders, round by round. */
export interface GrowthOptions extends RunBasics {
  variant: string;
  seedOrders: number;
  seedUsers?: number;
  /** Keep the seeded data dir here (and reuse it when it already holds the same seeding); a temporary one otherwise, removed at the end. */
  seedDir?: string;
  rate: number;
  durationSeconds: number;
  warmupSeconds: number;
  repeat: number;
}

/** One boot and load on one data dir. */
export interface GrowthRound {
  round: number;
  data: 'empty' | 'seeded';
  bootMs: number;
  firstPassMs: number;
  /** What the first recovery pass did (all zero: it touched nothing old). */
  firstPass: Record<string, number>;
  orders: number;
  pending: number;
  cpuMsPerOrder: number;
  p99Ms: number;
  errors: number;
}

/** Medians with min–max and n of one data dir's rounds. */
export interface GrowthFigures {
  bootMs: Spread;
  firstPassMs: Spread;
  cpuMsPerOrder: Spread;
  p99Ms: Spread;
}

/** What `orderctl bench --seed-orders` reports. */
export interface GrowthReport {
  kind: 'growth';
  command: string;
  version: string;
  startedAt: string;
  variant: string;
  seed: SeedResult & { reused: boolean };
  rate: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: GrowthRound[];
  empty: GrowthFigures;
  seeded: GrowthFigures;
  /** Seeded ÷ empty, each round's pair. */
  ratio: { cpuMsPerOrder: Spread; p99Ms: Spread };
  /** Whether seeded stays within 15% of empty (median of the ratios): the cost is flat as data grows. */
  withinTarget: { cpu: boolean; p99: boolean };
}

const SEED_FILE = 'seed.json';

/** A seeded data dir to use: the one kept in `seedDir` when it holds this seeding, else a new one. */
async function seeded(options: GrowthOptions, listener: BenchListener): Promise<{ dir: string; seed: SeedResult & { reused: boolean }; temporary: boolean }> {
  const dir = options.seedDir ?? (await mkdtemp(join(tmpdir(), 'orderctl-seed-')));
  const marker = join(dir, SEED_FILE);
  if (options.seedDir && existsSync(marker)) {
    const kept = JSON.parse(await readFile(marker, 'utf8')) as SeedResult;
    if (kept.orders === options.seedOrders && (options.seedUsers === undefined || kept.users === options.seedUsers)) return { dir, seed: { ...kept, reused: true }, temporary: false };
  }
  if (options.seedDir && existsSync(join(dir, 'order.sqlite'))) throw new Error(`${dir} already holds a data dir that is not this seeding: give an empty or new --seed-dir`);
  const name = `seeding ${options.seedOrders.toLocaleString('en-US')} orders`;
  listener.phase(name, 0);
  const seed = await seedDataDir(dir, { orders: options.seedOrders, users: options.seedUsers });
  await writeFile(marker, JSON.stringify(seed, null, 2));
  listener.phaseDone(name, `${seed.users.toLocaleString('en-US')} users, ${seed.seconds} s`);
  return { dir, seed: { ...seed, reused: false }, temporary: !options.seedDir };
}

async function oneRound(options: GrowthOptions, round: number, data: GrowthRound['data'], dataDir: string | undefined, listener: BenchListener): Promise<GrowthRound> {
  const name = `round ${round}: ${data} data dir`;
  listener.phase(`${name}, booting`, 0);
  const sut = await startSoakSut({ variant: options.variant, dataDir, users: options.users, userPrefix: `growth-${Date.now().toString(36)}` }, options.track);
  try {
    const load = (seconds: number) =>
      runOpenLoop(sut.url, sut.path, sut.users, { rate: options.rate, durationSeconds: seconds, maxInFlight: maxInFlightFor(options.rate, options.connections), signal: options.signal }, listener.tick);
    if (options.warmupSeconds > 0) {
      listener.phase(`${name}, warm-up`, options.warmupSeconds);
      await load(options.warmupSeconds);
      await sut.settle();
    }
    listener.phase(name, options.durationSeconds);
    const since = Date.now();
    await sut.mark();
    const result = await load(options.durationSeconds);
    await sut.settle();
    const cpuMs = await sut.cpuMs();
    const orders = await sut.orders(since);
    const figures: GrowthRound = {
      round,
      data,
      bootMs: sut.bootMs,
      firstPassMs: sut.firstPassMs,
      firstPass: sut.firstPass,
      orders: orders.final,
      pending: orders.pending,
      cpuMsPerOrder: Math.round((cpuMs / Math.max(1, orders.final)) * 1000) / 1000,
      p99Ms: Math.round(result.latencyMs.p99 * 10) / 10,
      errors: result.errors + result.timeouts,
    };
    listener.phaseDone(name, `boot ${figures.bootMs} ms, first pass ${figures.firstPassMs} ms, ${figures.cpuMsPerOrder} ms CPU/order, p99 ${figures.p99Ms} ms`);
    return figures;
  } finally {
    await sut.close();
  }
}

const figuresOf = (rounds: GrowthRound[]): GrowthFigures => ({
  bootMs: spread(rounds.map((r) => r.bootMs)),
  firstPassMs: spread(rounds.map((r) => r.firstPassMs)),
  cpuMsPerOrder: spread(rounds.map((r) => r.cpuMsPerOrder)),
  p99Ms: spread(rounds.map((r) => r.p99Ms)),
});

/** Seeds (or reuses) a data dir, then round by round boots and loads the system on an empty data dir and on the seeded one, alternating which goes first. */
export async function runGrowth(options: GrowthOptions, listener: BenchListener): Promise<GrowthReport> {
  const startedAt = new Date().toISOString();
  const { dir, seed, temporary } = await seeded(options, listener);
  try {
    const rounds: GrowthRound[] = [];
    for (let round = 1; round <= options.repeat && !options.signal?.aborted; round++) {
      const order: GrowthRound['data'][] = round % 2 ? ['empty', 'seeded'] : ['seeded', 'empty'];
      for (const data of order) rounds.push(await oneRound(options, round, data, data === 'seeded' ? dir : undefined, listener));
    }
    const of = (data: GrowthRound['data']) => rounds.filter((r) => r.data === data);
    const empty = figuresOf(of('empty'));
    const full = figuresOf(of('seeded'));
    const ratio = {
      cpuMsPerOrder: ratioSpread(of('seeded').map((r) => r.cpuMsPerOrder), of('empty').map((r) => r.cpuMsPerOrder)),
      p99Ms: ratioSpread(of('seeded').map((r) => r.p99Ms), of('empty').map((r) => r.p99Ms)),
    };
    return {
      kind: 'growth',
      command: options.command,
      version: options.version,
      startedAt,
      variant: options.variant,
      seed,
      rate: options.rate,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rounds,
      empty,
      seeded: full,
      ratio,
      withinTarget: { cpu: ratio.cpuMsPerOrder.median <= 1.15, p99: ratio.p99Ms.median <= 1.15 },
    };
  } finally {
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
}
