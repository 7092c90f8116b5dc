import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

/** A real terminal: orderctl walk in tmux, driven with send-keys and read with capture-pane. */
class Tmux {
  readonly session = `orderctl-${randomBytes(4).toString('hex')}`;
  constructor(command: string) {
    execFileSync('tmux', ['new-session', '-d', '-s', this.session, '-x', '200', '-y', '50', `${command}; echo "EXIT=$?"; sleep 120`], { cwd: ROOT });
  }
  screen = () => execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-5000', '-t', this.session], { encoding: 'utf8' });
  keys = (...keys: string[]) => execFileSync('tmux', ['send-keys', '-t', this.session, ...keys]);
  /** The screen once `test` holds for it; if it never does, the error shows the whole terminal. */
  waitFor = (test: (screen: string) => boolean, what: string): Promise<string> =>
    eventually(what, this.screen, test).catch(() => {
      throw new Error(`gave up waiting for ${what}; the terminal shows:\n${this.screen()}`);
    });
  close = () => execFileSync('tmux', ['kill-session', '-t', this.session]);
}

const ready = (s: string) => s.trimEnd().endsWith('↑↓ navigate • ⏎ select');

test('walk in a terminal: the whole happy path of event-collaboration, step by step', async () => {
  const tmux = new Tmux(`FORCE_COLOR=0 node ${join(ROOT, 'bin/orderctl')} walk --variant=event-collaboration`);
  try {
    await tmux.waitFor((s) => s.includes('? What next?') && ready(s), 'the menu');
    tmux.keys('Enter');
    await tmux.waitFor((s) => s.includes('? Which scenario?') && ready(s), 'the scenario list');
    const position = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort().indexOf('happy-path.yaml');
    tmux.keys(...Array<string>(position).fill('Down'), 'Enter');
    for (let step = 1; step <= 10; step++) {
      if (step > 1) tmux.keys('Enter');
      await tmux.waitFor((s) => s.includes(`Step ${step}/10`) && ready(s), `step ${step}`);
    }
    const screen = tmux.screen();
    expect(screen).toContain('That was the last step of happy-path.');
    expect(screen).toMatch(/Gateway ~▶ Broker\s+CreateOrder/);
    expect(screen).toMatch(/Broker ~▶ Notification\s+OrderCreated/);
    expect(screen).toContain('Your order for 600.00$ has been successfully processed');
    expect(screen.match(/✓ expected/g)).toHaveLength(10);
    for (let i = 0; i < 30; i++) tmux.keys('Down');
    tmux.keys('Enter');
    const end = await tmux.waitFor((s) => s.includes('EXIT='), 'the end');
    expect(end).toContain('Bye.');
    expect(end).toContain('EXIT=0');
  } finally {
    tmux.close();
  }
});

test('closing the terminal under a walk shuts the system down and leaves no files behind', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'orderctl-hup-'));
  const tmux = new Tmux(`TMPDIR=${tmp} node ${join(ROOT, 'bin/orderctl')} walk --variant=hybrid`);
  await tmux.waitFor((s) => s.includes('? What next?'), 'the menu');
  expect(readdirSync(tmp)).toHaveLength(1);
  tmux.close();
  await eventually('no files left', () => readdirSync(tmp), (files) => files.length === 0);
  rmSync(tmp, { recursive: true });
});
