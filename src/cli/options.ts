import { InvalidArgumentError, Option } from 'commander';
import { isBrokerUrl, maskUrl } from '../broker/broker-url.js';
import { AppError } from '../core/errors.js';
import { BUILTIN_SCENARIOS } from '../scenarios/load.js';
import { brokerNeeded, parseReplicas } from '../system/process-plan.js';
import { findVariant, knownVariants, variants } from '../variants/index.js';
import { usesBroker, type Variant } from '../variants/variant.js';

/** `--variant <name>`: a built-in style, a style file, or `all` where `allowAll`; required unless it has a fallback or is `optional`. */
export function variantOption(allowAll: boolean, fallback?: string, required = true): Option {
  const names = variants.map((v) => v.name);
  const option = new Option('--variant <name>', `interaction style to boot: ${[...names, ...(allowAll ? ['all'] : [])].join(', ')}, a style of --variants-dir, or a style file such as ./my-style.yaml`);
  if (fallback) return option.default(fallback);
  if (required) return option.makeOptionMandatory();
  option.description += ' (asked for when left out)';
  return option;
}

/** The styles `--variant` names: one, or `all` (the built-in ones and those of --variants-dir). */
export function selectVariants(name: string): Variant[] {
  try {
    return name === 'all' ? knownVariants() : [findVariant(name)];
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('USAGE', (error as Error).message);
  }
}

/** `--variants-dir DIR`: style files of the user's, added to the built-in ones (read before the command runs). */
export const variantsDirOption = () => new Option('--variants-dir <dir>', 'also offer the styles declared in the *.yaml files of this directory (see variants/ for the built-in ones)');

export const dataDirOption = () => new Option('--data-dir <dir>', 'keep the SQLite databases in this directory (default: a temporary one, removed on exit)');

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`must be a whole number from 0 to 65535, not "${value}"`);
  return port;
}

export const scenariosDirOption = () =>
  new Option('--scenarios-dir <dir>', 'read scenario files (*.yaml) from this directory').default(BUILTIN_SCENARIOS, 'the built-in scenarios/');

export const brokerOption = () =>
  new Option('--broker <url>', 'RabbitMQ URL, e.g. amqp://guest:guest@127.0.0.1:5672 (default: the in-process broker)')
    .env('ORDERCTL_BROKER')
    .argParser((url: string) => {
      if (!isBrokerUrl(url)) throw new InvalidArgumentError(`must be an amqp:// or amqps:// URL, not "${maskUrl(url)}"`);
      return url;
    });

/** Refuses, before anything boots, one process per service for styles with events without a broker to carry them. */
export function checkPlacement(placement: { processes?: boolean; broker?: string }, chosen: Variant[]): void {
  const needing = chosen.filter(usesBroker).map((v) => v.name);
  if (placement.processes && !placement.broker && needing.length) {
    throw new AppError('USAGE', brokerNeeded(needing));
  }
}

/** `--store postgres://…`: each service's data in its own schema of that PostgreSQL database instead of SQLite files. */
export const storeOption = (description = "keep each service's data in its own schema of this PostgreSQL database, created on first use, e.g. postgres://postgres@127.0.0.1:5432/orderctl (default: a SQLite file per service)") =>
  new Option('--store <url>', description)
    .env('ORDERCTL_STORE')
    .argParser((url: string) => {
      if (!/^postgres(ql)?:\/\/[^/]/.test(url)) throw new InvalidArgumentError(`must be a postgres:// URL such as postgres://postgres@127.0.0.1:5432/orderctl, not "${maskUrl(url)}"`);
      return url;
    });

export const processesOption = () =>
  new Option('--processes', 'start every service as its own OS process on loopback (styles with events need --broker: RabbitMQ carries them between processes)');

export const replicasOption = () =>
  new Option('--replicas <list>', 'that many processes of a service (implies --processes), sharing its port and its queues, e.g. billing=3,notification=2').implies({ processes: true }).argParser((text: string) => {
    try {
      return parseReplicas(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  });

/** An option's whole number of at least `min`. */
export const wholeNumber =
  (min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}, not "${value}"`);
    return n;
  };
