import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { openRenderer } from '../diagrams/renderer.js';
import { AppError } from '../core/errors.js';
import { planOf } from '../system/links/index.js';
import type { Plan } from '../system/plan.js';
import { loadVariantFile } from '../variants/variant-file.js';
import { findVariant, knownVariants } from '../variants/index.js';
import { topologyFlowchart } from '../variants/topology.js';
import { answersOrdersLater, linkOf, usesBroker, type Variant } from '../variants/variant.js';
import { CliError, EXIT } from './cli-error.js';
import { table } from './format.js';
import { variantsDirOption } from './options.js';

/** A plan as JSON: the ways, each service's part, the edges and the messages. */
const planJson = (plan: Plan) => ({ ways: plan.ways.map(({ link, way }) => ({ link, way })), services: plan.services, edges: plan.edges, messages: plan.messages });

/** A plan in lines a person reads: each link's way, then each arrow (`=>` a REST call, `~>` a message to its consumer) and what each service's relay does with its events. */
function planText(plan: Plan): string {
  const lines = [`  links: ${plan.ways.filter((w) => w.link !== 'queries').map((w) => `${w.link}=${w.way}`).join(', ')}`];
  for (const e of plan.edges.filter((e) => e.link !== 'queries')) lines.push(`  ${e.from} ${e.by === 'rest' ? '=>' : '~>'} ${e.to} ${e.what}   (${e.link})`);
  for (const [service, part] of Object.entries(plan.services)) {
    const routes = Object.entries(part.routes).map(([event, r]) => `${event} → ${'call' in r ? `${r.call} to ${r.to}` : r.messages.join(' | ')}`);
    const absorbed = Object.entries(part.absorbs).map(([event, a]) => `${event} (not sent: ${a.why})`);
    if (routes.length || absorbed.length) lines.push(`  ${service} raises: ${[...routes, ...absorbed].join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

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
    .command('check <files...>')
    .description('compile style files into their plans without booting anything: print each plan, or the one line that refuses it')
    .option('--json', 'print each file\'s plan or refusal as JSON')
    .addHelpText('after', '\nExit code 0 when every file is accepted, 1 when one is refused.\n\nExamples:\n  $ orderctl variants check ./my-style.yaml\n  $ orderctl variants check variants/*.yaml --json')
    .action((files: string[], own: { json?: boolean }, cmd: Command) => {
      const options = cmd.optsWithGlobals() as { json?: boolean };
      const checked = files.map((file) => {
        try {
          return { file, plan: planOf(loadVariantFile(file)) };
        } catch (error) {
          if (error instanceof AppError && error.code === 'USAGE') return { file, refused: error.message };
          throw error;
        }
      });
      if (options.json) {
        const json = checked.map((c) => (c.plan ? { file: c.file, accepted: true, plan: planJson(c.plan) } : { file: c.file, accepted: false, refused: c.refused }));
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        for (const c of checked) process.stdout.write(c.plan ? `${c.file}: accepted\n${planText(c.plan)}\n` : `${c.refused}\n`);
      }
      if (checked.some((c) => c.refused)) process.exitCode = EXIT.failed;
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
      if (options.json) process.stdout.write(`${JSON.stringify({ ...described(variant), plan: planJson(planOf(variant)), flowchart }, null, 2)}\n`);
      else {
        const text = variant.source ? readFileSync(variant.source, 'utf8') : JSON.stringify(variant, null, 2);
        process.stdout.write(`${text.trimEnd()}\n\nThe compiled plan:\n${planText(planOf(variant))}\nTopology (Mermaid; solid: REST calls, dotted: messages through the broker, producer to consumer):\n\n${flowchart}`);
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
