import chalk from 'chalk';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeBroker } from '../broker/broker-url.js';
import { NO_CHROMIUM, openRenderer, type Renderer } from '../diagrams/renderer.js';
import { sequenceDiagram } from '../diagrams/sequence-diagram.js';
import { loadScenarios } from '../scenarios/load.js';
import type { Outcome, RunContext } from '../scenarios/run-context.js';
import { runContext, runStep } from '../scenarios/runner.js';
import type { Scenario } from '../scenarios/scenario-schema.js';
import { steps } from '../scenarios/steps.js';
import type { RunningSystem, StoppableService } from '../system/boot.js';
import type { ServiceName } from '../system/wiring.js';
import { describePlacement, launchSystem, type Placement } from '../system/launch.js';
import type { Hop } from '../tracing/recorder.js';
import { findVariant, knownVariants } from '../variants/index.js';
import { usesBroker } from '../variants/variant.js';
import { ScriptEnded, type Asker, type Choice } from './asker.js';
import { hopList } from './hop-list.js';
import { isStalled, sagaLine } from './saga-view.js';
import { menuChoices, type Menu } from './menu.js';
import { sagaActions } from './saga-actions.js';
import { stopNote, styleNote, type ActionKind } from './style-notes.js';
import { makeFolders } from '../core/make-folders.js';

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
    saga.reset();
    say(`${chalk.bold(variant.name)}: ${variant.summary}. Gateway at ${system.gatewayUrl}/api/v1`);
  };

  /** Runs one action, waits until the system is quiet, and shows what flowed and how it ended (the answer's body through `show` when it can). */
  const act = async (name: string, run: () => Promise<Outcome | void>, show?: (body: any) => string | undefined) => {
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
    if (outcome) say(`${chalk.bold('→')} ${outcome.status >= 400 ? chalk.red(outcome.status) : chalk.green(outcome.status)} ${(outcome.status < 400 && show?.(outcome.body)) || compact(outcome.body)}`);
    const down = system!.stopped();
    if (down.length) say(chalk.yellow(`(stopped: ${down.join(', ')})`));
    return outcome;
  };

  const user = () => asker.text('Which user?', [...ctx.users.keys()].pop() ?? 'alice');
  const amount = async (what: string, fallback: string) => Number(await asker.text(`${what}?`, fallback));
  const saga = sagaActions({ asker, say, system: () => system!, ctx: () => ctx, act, user, amount });
  /** The services of the running style that can be stopped, started and slowed: every one it runs but the gateway. */
  const services = () => (Object.keys(system!.urls) as ServiceName[]).filter((s): s is StoppableService => s !== 'gateway');

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
        const name = saga.freshName();
        saga.remember(name, alias, false);
        return act(`order ${price} by ${alias}`, () => perform('order', { user: alias, price, name }));
      }
      case 'goods':
        return saga.goods();
      case 'cancel':
      case 'received':
        return saga.customer(choice);
      case 'saga':
        return saga.show();
      case 'poll':
        return saga.poll();
      case 'stock':
        return saga.stock();
      case 'recover':
        return saga.recover();
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
    const args = step.args as { user?: string; name?: string; items?: unknown };
    if (step.action === 'order' && args.name && args.user) saga.remember(args.name, args.user, args.items !== undefined);
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
    await makeFolders(dir);
    const file = join(dir, `${String(++drawn).padStart(2, '0')}-${system!.variant.name}-${lastName.replace(/[^a-z0-9]+/gi, '-')}.svg`);
    await writeFile(file, await renderer.render(mermaid, 'svg'));
    say(`Picture: ${file}`);
  };

  /** Stops, starts or slows one of the style's services; a start shows what had waited for it and the sagas it moved. */
  const serviceAction = async (choice: 'stop' | 'start' | 'latency', stopped: StoppableService[]) => {
    const offered = choice === 'stop' ? services().filter((s) => !stopped.includes(s)) : choice === 'start' ? stopped : services();
    const service = await ask(`Which service?`, offered.map((s) => ({ value: s, name: s })));
    const since = performance.timeOrigin + performance.now();
    if (choice === 'stop') {
      const note = stopNote(system!.variant, service);
      if (note) say(chalk.italic(note));
      await system!.stopService(service);
    } else if (choice === 'start') {
      await system!.startService(service);
      await system!.settle(15_000);
      const caughtUp = system!.recorder.all().filter((h) => h.start >= since).sort((a, b) => a.start - b.start);
      if (caughtUp.length) say(`What had waited for ${service} ran now:\n${hopList(caughtUp)}`);
      for (const p of await saga.refresh()) say(sagaLine(p.name, p.last!));
      const stalled = system!.stopped().length ? [] : [...saga.placed.values()].filter(isStalled);
      if (stalled.length) say(chalk.dim(`${stalled.map((p) => `${p.name} (${p.last!.status})`).join(', ')} still ${stalled.length > 1 ? 'wait' : 'waits'}: nothing asked for its next step again; the recovery pass does, for sagas stalled a while (or now: Run the recovery pass now).`));
    } else {
      const ms = Number(await asker.text('Milliseconds (0 removes it)?', '200'));
      if (!Number.isFinite(ms) || ms < 0) return say(chalk.red('Latency must be a number of milliseconds, 0 or more.'));
      await system!.setLatency(service, ms);
    }
    say(chalk.yellow(choice === 'latency' ? `${service} now waits that long before handling each request and message.` : `${service} is ${choice === 'stop' ? 'stopped: its port is closed and its messages wait in its queues' : 'running again'}.`));
  };

  const styleChoices = knownVariants().map((v) => ({ value: v.name, name: v.name, description: v.summary }));

  try {
    await boot(
      options.variant ??
        (await ask('Which interaction style do you want to boot?', styleChoices)),
    );
    for (;;) {
      // A saga moves on after its action's answer (or a scenario step's): say where each one moved to since.
      for (const p of await saga.refresh()) say(sagaLine(p.name, p.last!));
      const stopped = system!.stopped();
      const choice = await ask('What next?', menuChoices({ placed: [...saga.placed.values()], running: services().length - stopped.length, stopped: stopped.length }));
      if (choice === 'quit') break;
      if (choice === 'step') await nextStep();
      else if (choice === 'diagram') await diagram();
      else if (choice === 'switch') await boot(await ask('Which style?', styleChoices));
      else if (choice === 'stop' || choice === 'start' || choice === 'latency') await serviceAction(choice, stopped);
      else await hand(choice);
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
