import chalk from 'chalk';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeBroker } from '../broker/broker-url.js';
import { NO_CHROMIUM, openRenderer, type Renderer } from '../diagrams/renderer.js';
import { sequenceDiagram } from '../diagrams/sequence-diagram.js';
import { loadScenarios } from '../scenarios/load.js';
import type { RunContext } from '../scenarios/run-context.js';
import { runContext, runStep } from '../scenarios/runner.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { steps } from '../scenarios/steps.js';
import type { RunningSystem, StoppableService } from '../system/boot.js';
import { describePlacement, launchSystem, type Placement } from '../system/launch.js';
import type { Hop } from '../tracing/recorder.js';
import { findVariant, knownVariants } from '../variants/index.js';
import { usesBroker } from '../variants/variant.js';
import { ScriptEnded, type Asker, type Choice } from './asker.js';
import { hopList } from './hop-list.js';
import { styleNote, type ActionKind } from './style-notes.js';

/** Where the walk runs. */
export interface WalkOptions extends Placement {
  asker: Asker;
  say: (line: string) => void;
  variant?: string;
  scenariosDir?: string;
  /** Where `diagram` writes pictures. */
  outDir?: string;
  /** Hears of each system booted, so an interrupt can close it. */
  track?: (system: RunningSystem) => void;
}

type Menu = 'step' | 'register' | 'login' | 'deposit' | 'withdraw' | 'order' | 'poll' | 'balance' | 'orders' | 'notifications' | 'diagram' | 'stop' | 'start' | 'latency' | 'switch' | 'quit';

const SERVICES: StoppableService[] = ['identity', 'billing', 'order', 'notification'];
const KIND_OF: Record<string, ActionKind> = { register: 'register', login: 'login', deposit: 'deposit', withdraw: 'withdraw', order: 'order' };
const compact = (body: unknown) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
};

/** The interactive walkthrough: boot a style, act, and see every hop each action caused. */
export async function walk(options: WalkOptions): Promise<void> {
  const { asker, say } = options;
  const ask = <T extends string>(message: string, choices: Choice<T>[]) => asker.select(message, choices);
  let system: RunningSystem | undefined;
  let ctx: RunContext;
  let scenario: Scenario | undefined;
  let cursor = 0;
  let lastHops: Hop[] = [];
  let lastName = '';
  let renderer: Renderer | undefined | null;
  const owners = new Map<string, string>();
  let drawn = 0;

  const boot = async (name: string) => {
    await system?.close();
    const variant = findVariant(name);
    say(chalk.dim(`Booting ${variant.name} on ${[describeBroker(options.broker, usesBroker(variant)), describePlacement(options)].filter(Boolean).join(', ')}…`));
    system = await launchSystem(variant, options);
    options.track?.(system);
    ctx = runContext(system);
    scenario = undefined;
    cursor = 0;
    say(`${chalk.bold(variant.name)}: ${variant.summary}. Gateway at ${system.gatewayUrl}/api/v1`);
  };

  /** Runs one action, waits until the system is quiet, and shows what flowed and how it ended. */
  const act = async (name: string, run: () => Promise<{ status: number; body?: unknown } | void>) => {
    const before = ctx.api.actions.length;
    const outcome = await run().catch((error: Error) => {
      say(chalk.red(error.message));
    });
    // A stopped service's messages wait in its queue: the system never goes quiet then, so do not wait long.
    await system!.settle(system!.stopped().length ? 1_000 : 15_000);
    const traces = ctx.api.actions.slice(before).map((a) => a.traceId);
    lastHops = traces.length ? system!.recorder.trace(traces[traces.length - 1]) : [];
    lastName = name;
    const all = traces.flatMap((id) => system!.recorder.trace(id));
    if (all.length) say(hopList(all));
    if (outcome) say(`${chalk.bold('→')} ${outcome.status >= 400 ? chalk.red(outcome.status) : chalk.green(outcome.status)} ${compact(outcome.body)}`);
    const down = system!.stopped();
    if (down.length) say(chalk.yellow(`(stopped: ${down.join(', ')})`));
  };

  const user = () => asker.text('Which user?', [...ctx.users.keys()].pop() ?? 'alice');
  const amount = async (what: string, fallback: string) => Number(await asker.text(`${what}?`, fallback));

  const hand = async (choice: Menu) => {
    const kind = KIND_OF[choice] ?? 'read';
    const perform = async (action: keyof typeof steps, args: unknown) => steps[action].perform(ctx, args);
    switch (choice) {
      case 'register':
      case 'login': {
        const alias = await user();
        say(chalk.italic(styleNote(system!.variant, kind)));
        return act(`${choice} ${alias}`, () => perform(choice, { user: alias }));
      }
      case 'deposit':
      case 'withdraw': {
        const alias = await user();
        const sum = await amount('Amount', choice === 'deposit' ? '1000' : '100');
        say(chalk.italic(styleNote(system!.variant, kind)));
        return act(`${choice} ${sum} for ${alias}`, () => perform(choice, { user: alias, amount: sum }));
      }
      case 'order': {
        const alias = await user();
        const price = await amount('Price', '600');
        say(chalk.italic(styleNote(system!.variant, 'order')));
        const name = `order-${owners.size + 1}`;
        owners.set(name, alias);
        return act(`order ${price} by ${alias}`, () => perform('order', { user: alias, price, name }));
      }
      case 'poll': {
        const known = [...ctx.orders.keys()];
        if (!known.length) return say('No order placed yet.');
        const name = await ask('Which order?', known.map((o) => ({ value: o, name: o })));
        return act(`poll ${name}`, () => perform('order-status', { user: owners.get(name) ?? 'alice', order: name }));
      }
      default: {
        const alias = await user();
        return act(`${choice} of ${alias}`, () => perform(choice as 'balance', { user: alias }));
      }
    }
  };

  const nextStep = async () => {
    if (!scenario || cursor >= scenario.steps.length) {
      const all = await loadScenarios(options.scenariosDir);
      const name = await ask('Which scenario?', all.map((s) => ({ value: s.name, name: `${s.name} — ${s.title}` })));
      scenario = all.find((s) => s.name === name)!;
      cursor = 0;
      say(chalk.bold(scenario.title));
      if (scenario.description) say(scenario.description);
    }
    const step = scenario.steps[cursor++];
    const title = steps[step.action].title(step.args);
    say(`\n${chalk.bold(`Step ${cursor}/${scenario.steps.length}: ${title}`)}`);
    if (step.why) say(step.why);
    if (KIND_OF[step.action]) say(chalk.italic(styleNote(system!.variant, KIND_OF[step.action])));
    let result: Awaited<ReturnType<typeof runStep>> | undefined;
    await act(title, async () => {
      result = await runStep(ctx, step, cursor);
    });
    if (result) say(result.passed ? chalk.green(`✓ expected ${result.expected || 'nothing in particular'}; saw ${result.seen}`) : chalk.red(`✗ ${result.problems.join('; ')}`));
    if (cursor >= scenario.steps.length) say(chalk.bold(`That was the last step of ${scenario.name}.`));
  };

  const diagram = async () => {
    if (!lastHops.length) return say('Nothing to draw yet: act first.');
    const mermaid = sequenceDiagram(lastHops);
    say(chalk.dim(`Mermaid (${lastName}):`));
    say(mermaid);
    if (renderer === undefined) renderer = (await openRenderer()) ?? null;
    if (!renderer) return say(NO_CHROMIUM);
    const dir = resolve(options.outDir ?? 'reports/walk');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${String(++drawn).padStart(2, '0')}-${system!.variant.name}-${lastName.replace(/[^a-z0-9]+/gi, '-')}.svg`);
    await writeFile(file, await renderer.render(mermaid, 'svg'));
    say(`Picture: ${file}`);
  };

  const styleChoices = knownVariants().map((v) => ({ value: v.name, name: v.name, description: v.summary }));
  const menu: Choice<Menu>[] = [
    { value: 'step', name: 'Next step of a scenario' },
    { value: 'register', name: 'Register a user' },
    { value: 'login', name: 'Log in' },
    { value: 'deposit', name: 'Deposit' },
    { value: 'withdraw', name: 'Withdraw' },
    { value: 'order', name: 'Place an order' },
    { value: 'poll', name: 'Poll an order' },
    { value: 'balance', name: 'Show balance' },
    { value: 'orders', name: 'Show orders' },
    { value: 'notifications', name: 'Show notifications' },
    { value: 'diagram', name: 'Draw the last action as a sequence diagram' },
    { value: 'stop', name: 'Stop a service' },
    { value: 'start', name: 'Start a service' },
    { value: 'latency', name: 'Add latency to a service' },
    { value: 'switch', name: 'Switch style' },
    { value: 'quit', name: 'Quit' },
  ];

  try {
    await boot(
      options.variant ??
        (await ask('Which interaction style do you want to boot?', styleChoices)),
    );
    for (;;) {
      const choice = await ask('What next?', menu);
      if (choice === 'quit') break;
      if (choice === 'step') await nextStep();
      else if (choice === 'diagram') await diagram();
      else if (choice === 'switch') await boot(await ask('Which style?', styleChoices));
      else if (choice === 'stop' || choice === 'start' || choice === 'latency') {
        const service = await ask(`Which service?`, SERVICES.map((s) => ({ value: s, name: s })));
        const since = performance.timeOrigin + performance.now();
        if (choice === 'stop') await system!.stopService(service);
        else if (choice === 'start') await system!.startService(service);
        else {
          const ms = Number(await asker.text('Milliseconds (0 removes it)?', '200'));
          if (!Number.isFinite(ms) || ms < 0) {
            say(chalk.red('Latency must be a number of milliseconds, 0 or more.'));
            continue;
          }
          await system!.setLatency(service, ms);
        }
        if (choice === 'start') {
          await system!.settle(15_000);
          const caughtUp = system!.recorder.all().filter((h) => h.start >= since).sort((a, b) => a.start - b.start);
          if (caughtUp.length) say(`What had waited for ${service} ran now:\n${hopList(caughtUp)}`);
        }
        say(chalk.yellow(choice === 'latency' ? `${service} now waits that long before handling each request and message.` : `${service} is ${choice === 'stop' ? 'stopped: its port is closed and its messages wait in its queues' : 'running again'}.`));
      } else await hand(choice);
    }
  } catch (error) {
    // The script ran out, or Ctrl-C at a prompt: both end the walk.
    if (!(error instanceof ScriptEnded) && (error as Error).name !== 'ExitPromptError') throw error;
  } finally {
    await renderer?.close();
    await system?.close();
  }
  say('Bye.');
}
