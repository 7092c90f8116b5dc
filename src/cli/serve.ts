import chalk from 'chalk';
import { Command } from 'commander';
import { resolve } from 'node:path';
import { bootSystem } from '../system/boot.js';
import { CliError } from './cli-error.js';
import { untilSignal } from './shutdown.js';
import { brokerOption, dataDirOption, parsePort, selectVariants, variantOption } from './options.js';
import { describeBroker } from '../broker/broker-url.js';
import { openTransport } from '../broker/open-transport.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('boot a variant and keep it running for any HTTP client until Ctrl-C / SIGTERM')
    .addOption(variantOption(false, 'hybrid'))
    .option('--port <port>', 'gateway port (0 = any free port)', parsePort, 8080)
    .addOption(dataDirOption())
    .addOption(brokerOption())
    .addHelpText('after', '\nExample:\n  $ orderctl serve --variant=http --port 8080\n  $ curl -s localhost:8080/api/v1/identity/register -H content-type:application/json -d \'{"email":"a@b.io","password":"password1"}\'')
    .action(async (options: { variant: string; port: number; dataDir?: string; broker?: string }) => {
      const [variant] = selectVariants(options.variant);
      const transport = await openTransport(options.broker);
      const system = await bootSystem({ variant, transport, gatewayPort: options.port, dataDir: options.dataDir && resolve(options.dataDir) }).catch((error) => {
        const inUse = (error as { code?: string }).code === 'EADDRINUSE';
        throw inUse ? new CliError(`port ${options.port} is in use: choose another with --port (0 picks a free one)`) : error;
      });
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say(`${chalk.bold(variant.name)} is running (${variant.summary}) on ${describeBroker(options.broker)}.`);
      say(`Gateway: ${chalk.cyan(`${system.gatewayUrl}/api/v1`)}`);
      for (const [name, url] of Object.entries(system.urls)) if (name !== 'gateway') say(chalk.dim(`  ${name.padEnd(13)} ${url}`));
      say(chalk.dim(`Databases: ${system.dataDir}${options.dataDir ? '' : ' (temporary, removed on exit)'}`));
      say('Press Ctrl-C to stop.');
      say(`\n${await untilSignal()}: shutting down…`);
      await system.close();
      say('Stopped: ports closed, broker drained, databases closed.');
    });
}
