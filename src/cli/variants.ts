import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { openRenderer } from '../diagrams/renderer.js';
import { findVariant, knownVariants } from '../variants/index.js';
import { topologyFlowchart } from '../variants/topology.js';
import { answersOrdersLater, linkOf, usesBroker, type Variant } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { table } from './format.js';
import { variantsDirOption } from './options.js';

/** A style as `variants --json` shows it. */
const described = (v: Variant) => ({
  name: v.name,
  summary: v.summary,
  commands: v.commands,
  events: v.events,
  links: { ...v.links, reservation: linkOf(v, 'reservation'), dispatch: linkOf(v, 'dispatch') },
  saga: v.saga ?? 'orchestration',
  ...(v.names ? { names: v.names } : {}),
  usesBroker: usesBroker(v),
  ordersAnswered: answersOrdersLater(v) ? 'later (202)' : 'at once',
  source: v.source,
});

export function variantsCommand(): Command {
  const command = new Command('variants')
    .description('list the interaction styles with their links (built-in ones are the files in variants/)')
    .addOption(variantsDirOption())
    .option('--json', 'print the styles as JSON')
    .addHelpText('after', '\nExamples:\n  $ orderctl variants\n  $ orderctl variants show hybrid\n  $ orderctl variants show ./my-style.yaml --svg my-style.svg\n  $ orderctl variants --variants-dir ./styles --json')
    .action((options: { json?: boolean }) => {
      const all = knownVariants();
      if (options.json) return void process.stdout.write(`${JSON.stringify(all.map(described), null, 2)}\n`);
      const saga = (v: Variant) => (v.saga === 'choreography' ? 'choreography' : `${linkOf(v, 'reservation')}/${linkOf(v, 'dispatch')}`);
      const rows = all.map((v) => [v.name, v.commands, v.events, v.links.accountOpening, v.links.payment, v.links.orderOutcome, v.links.recipient, saga(v), answersOrdersLater(v) ? 'later (202)' : 'at once']);
      process.stdout.write(`${table(['style', 'commands', 'events', 'account opening', 'payment', 'order outcome', 'recipient', 'saga (stock/delivery)', 'order answered'], rows)}\n`);
      process.stdout.write(
        '\nrest: a synchronous REST call; event: through the broker; copy: notification keeps its own copy of users.\n' +
          'saga: how the order service drives stock and delivery (rest/event), or choreography: no driver, every service reacts to one order-status channel.\n' +
          '`orderctl variants show NAME` prints a style\'s declaration and its topology.\n',
      );
    });
  command
    .command('show <style>')
    .description('print a style\'s declaration (with its comments) and its topology as a Mermaid flowchart')
    .addOption(variantsDirOption())
    .option('--json', 'print the declaration and the flowchart as JSON')
    .option('--svg <file>', 'also draw the topology to this SVG file (needs Chromium)')
    .action(async (ref: string, options: { json?: boolean; svg?: string }) => {
      const variant = findVariant(ref);
      const flowchart = topologyFlowchart(variant);
      if (options.json) process.stdout.write(`${JSON.stringify({ ...described(variant), flowchart }, null, 2)}\n`);
      else {
        const text = variant.source ? readFileSync(variant.source, 'utf8') : JSON.stringify(variant, null, 2);
        process.stdout.write(`${text.trimEnd()}\n\nTopology (Mermaid; solid: REST calls, dotted: messages through the broker, producer to consumer):\n\n${flowchart}`);
      }
      if (options.svg) {
        const renderer = await openRenderer().catch((error: Error) => {
          throw new CliError(`cannot draw ${options.svg}: ${error.message}`, EXIT.error);
        });
        if (!renderer) throw new CliError(`cannot draw ${options.svg}: Chromium was not found (apt-get install chromium)`, EXIT.error);
        try {
          await writeFile(options.svg, await renderer.render(flowchart, 'svg'));
        } finally {
          await renderer.close();
        }
        if (!options.json) process.stdout.write(`\nDrawn to ${options.svg}\n`);
      }
    });
  return command;
}
