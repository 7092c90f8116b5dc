import chalk from 'chalk';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ParkedMessage } from '../broker/transport.js';
import { CliError, EXIT } from './cli-error.js';

const adminOption = () =>
  new Option('--admin <url>', 'the operator API of a running `orderctl serve` (it prints it at start)').env('ORDERCTL_ADMIN').default('http://127.0.0.1:8081');
const tokenFileOption = () =>
  new Option('--admin-token-file <path>', 'the file serve wrote its admin token to (it prints it at start; or give the token in ORDERCTL_ADMIN_TOKEN)').env('ORDERCTL_ADMIN_TOKEN_FILE');

/** Where the admin API is and the token it wants. */
interface AdminAccess {
  admin: string;
  adminTokenFile?: string;
}

/** The admin token: ORDERCTL_ADMIN_TOKEN, or the first line of --admin-token-file. */
function tokenOf(access: AdminAccess): string {
  if (process.env.ORDERCTL_ADMIN_TOKEN) return process.env.ORDERCTL_ADMIN_TOKEN;
  if (!access.adminTokenFile) throw new CliError('the admin API needs its token: pass --admin-token-file (serve prints where it wrote it) or set ORDERCTL_ADMIN_TOKEN', EXIT.usage);
  try {
    return readFileSync(access.adminTokenFile, 'utf8').trim();
  } catch (error) {
    throw new CliError(`cannot read the admin token from ${access.adminTokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.usage);
  }
}

/** Calls the admin API of a running serve; one clear line when nothing answers there. */
async function admin(access: AdminAccess, path: string, body?: unknown): Promise<any> {
  const base = access.admin;
  const auth = { authorization: `Bearer ${tokenOf(access)}` };
  const response = await fetch(`${base.replace(/\/$/, '')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: Error) => {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    throw new CliError(`no orderctl serve answers at ${base} (${cause?.code ?? cause?.message ?? error.message}): start one, or pass the admin URL it printed with --admin`);
  });
  const answer = (await response.json().catch(() => ({}))) as { message?: string; replayed?: number };
  if (!response.ok) throw new CliError(`${base}${path} answered ${response.status}: ${answer.message ?? ''}`, response.status < 500 ? EXIT.usage : EXIT.error);
  return answer;
}

export function parkedCommand(): Command {
  const parked = new Command('parked')
    .description('list the messages a running `serve` gave up on (parked after every retry), with why; replay them once the cause is fixed')
    .addOption(adminOption())
    .addOption(tokenFileOption())
    .option('--json', 'print them as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ orderctl parked                                  # every parked message, by consumer group\n  $ orderctl parked replay                           # put them all back on their queues\n  $ orderctl parked replay --group notification.OrderCreated.OrderFailed --id 3f2a…',
    )
    .action(async (options: AdminAccess & { json?: boolean }) => {
      const groups = (await admin(options, '/parked')) as { group: string; messages: ParkedMessage[] }[];
      if (options.json) return void process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
      if (groups.length === 0) return void process.stdout.write('No parked messages.\n');
      for (const { group, messages } of groups) {
        process.stdout.write(`${chalk.bold(group)}: ${messages.length} parked\n`);
        for (const m of messages) process.stdout.write(`  ${m.id}  ${m.type.padEnd(22)} ${String(m.attempts).padStart(2)} deliveries  ${chalk.dim(m.parkedAt)}  ${chalk.red(m.reason)}\n`);
      }
    });
  parked
    .command('replay')
    .description('put parked messages back on their queues, counted from their first delivery again (--admin and --admin-token-file as for parked)')
    .option('--group <group>', 'only this consumer group')
    .option('--id <id>', 'only this message (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals() as AdminAccess & { group?: string; id?: string[] };
      const { replayed } = await admin(options, '/parked/replay', { ...(options.group ? { group: options.group } : {}), ...(options.id ? { ids: options.id } : {}) });
      process.stdout.write(`Replayed ${replayed} message${replayed === 1 ? '' : 's'}.\n`);
    });
  return parked;
}
