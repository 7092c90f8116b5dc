import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';
import { tcpProxy } from '../support/tcp-proxy.js';

const refused = async (url: string) => fetch(url).then(() => false, () => true);

/** Pids of Chromium processes started with our private TMPDIR (their environment says so), from /proc. */
function chromiumsOf(tmp: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      if (!/chrom/i.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) return [];
      return readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`TMPDIR=${tmp}`) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

describe('every command shuts down cleanly on a signal', () => {
  // Interrupted at three moments of the crowd (registrations, orders, the checks): no stack trace, nothing left behind.
  test.each([0, 400, 1500])('run: SIGINT %i ms into the crowd drains, closes, removes its files and exits 130', async (delayMs) => {
    const tmp = privateTmp();
    const run = startCli(['run', '--variant=all', '--scenario', 'concurrent-orders', '--no-report'], { TMPDIR: tmp });
    await eventually('the crowd to start', () => run.stdout(), (out) => out.includes('concurrent-orders —'));
    await new Promise((r) => setTimeout(r, delayMs));
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    expect(stderr).toBe('');
    expect(code).toBe(130);
    expect(stdout).toContain('SIGINT: shutting down');
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('explore: SIGINT mid-run stops the system, removes its files and exits 130', async () => {
    const tmp = privateTmp();
    const explore = startCli(['explore', '--variant=hybrid', '--runs', '200', '--seed', '1', '--report-dir', join(tmp, 'reports'), '--seeds', join(tmp, 'reports', 'seeds.json')], { TMPDIR: tmp });
    await eventually('the runs to start', () => explore.stdout(), (out) => out.includes('hybrid on the in-process broker'));
    await new Promise((r) => setTimeout(r, 1500));
    explore.child.kill('SIGINT');
    const { code, stdout, stderr } = await explore.done;
    expect(stderr).not.toContain('Error');
    expect(code).toBe(130);
    expect(stdout).toContain('SIGINT: shutting down');
    // Nothing but the (empty) report folder it was told to use: no temporary databases left.
    expect(readdirSync(tmp).filter((f) => f !== 'reports')).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('serve: %s stops it with exit 0, its ports closed, temp files and pid file gone', async (signal) => {
    const tmp = privateTmp();
    const pidFile = join(tmp, 'serve.pid');
    const serve = startCli(['serve', '--variant=event-notification', '--port', '0', '--pid-file', pidFile, '--json-logs'], { TMPDIR: tmp });
    await eventually('serve to start', () => serve.stdout(), (out) => out.includes('"event":"started"'));
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(serve.child.pid));
    const health = await fetch(`${started.gateway}/identity/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(health.status).toBe(400);
    serve.child.kill(signal);
    const { code, stdout, stderr } = await serve.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['started', 'stopping', 'stopped']);
    expect(events[1].reason).toBe(signal);
    for (const url of Object.values(started.services as Record<string, string>)) expect(await refused(url)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('serve: a second serve on the same data dir is refused in one line, the first keeps serving; a pid file that cannot be written closes what was started', async () => {
    const tmp = privateTmp();
    const dataDir = join(tmp, 'data');
    const first = startCli(['serve', '--variant=hybrid', '--port', '0', '--json-logs', '--data-dir', dataDir], { TMPDIR: tmp });
    try {
      await eventually('serve to start', () => first.stdout(), (out) => out.includes('"event":"started"'));
      const started = JSON.parse(first.stdout().split('\n')[0]);
      const second = await startCli(['serve', '--variant=hybrid', '--port', '0', '--data-dir', dataDir], { TMPDIR: tmp }).done;
      expect(second.code).toBe(2);
      expect(second.stderr.trim()).toBe(`orderctl: the data dir ${dataDir} is in use by another orderctl (process ${first.child.pid}): stop it first, or use another --data-dir`);
      const login = await fetch(`${started.gateway}/identity/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(login.status).toBe(400);
    } finally {
      first.child.kill('SIGTERM');
      await first.done;
    }
    const noPid = await startCli(['serve', '--variant=hybrid', '--port', '0', '--pid-file', join(tmp, 'no', 'such', 'serve.pid')], { TMPDIR: tmp }).done;
    expect(noPid.code).toBe(2);
    expect(noPid.stderr.trim()).toBe(`orderctl: cannot write the pid file ${join(tmp, 'no', 'such', 'serve.pid')}: no such folder`);
    expect(readdirSync(tmp)).toEqual(['data']);
    rmSync(tmp, { recursive: true });
  });

  test('serve started by npm (npx orderctl serve &): killing npm stops the server too, as npm does not pass the signal on', async () => {
    const tmp = privateTmp();
    const log = join(tmp, 'serve.log');
    // A shell stands in for npm: it runs the server as its child, then dies without passing anything on.
    const parent = spawn('sh', ['-c', `node bin/orderctl serve --port 0 --json-logs > ${log} 2>&1; true`], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp, npm_command: 'exec' }, stdio: 'ignore' });
    const text = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    await eventually('serve to start', text, (out) => out.includes('"event":"started"'));
    const { pid, gateway } = JSON.parse(text().split('\n')[0]);
    parent.kill('SIGKILL');
    await eventually('serve to stop after its parent died', text, (out) => out.includes('"event":"stopped"'));
    await eventually('the server process to exit', () => existsSync(`/proc/${pid}`), (alive) => !alive);
    expect(text()).toContain('"reason":"parent exited"');
    expect(await refused(gateway)).toBe(true);
    expect(readdirSync(tmp)).toEqual(['serve.log']);
    rmSync(tmp, { recursive: true });
  });

  test('serve says when it loses the broker and when it is back (one JSON line each), and keeps serving', async () => {
    const rabbit = new URL(await rabbitmqUrl());
    const proxy = await tcpProxy(rabbit.hostname, Number(rabbit.port) || 5672);
    const tmp = privateTmp();
    const serve = startCli(['serve', '--variant=hybrid', '--port', '0', '--json-logs', '--broker', proxy.url(rabbit.toString())], { TMPDIR: tmp });
    try {
      await eventually('serve to start', () => serve.stdout(), (out) => out.includes('"event":"started"'));
      proxy.cut();
      await eventually('the broker-lost line', () => serve.stdout(), (out) => out.includes('"event":"broker-lost"'));
      proxy.restore();
      await eventually('the broker-regained line', () => serve.stdout(), (out) => out.includes('"event":"broker-regained"'));
      const started = JSON.parse(serve.stdout().split('\n')[0]);
      const answer = await fetch(`${started.gateway}/identity/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'back@example.test', password: 'back-password' }) });
      expect([201, 202]).toContain(answer.status);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.done;
      await proxy.close();
    }
    const events = serve.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['started', 'broker-lost', 'broker-regained', 'stopping', 'stopped']);
    expect(events[1].level).toBe('warn');
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
  });

  test('run: SIGINT while the report is being rendered closes the browser (no Chromium left, no profile folder) and exits 130', async () => {
    const tmp = privateTmp();
    const reports = privateTmp();
    const run = startCli(['run', '--variant=all', '--scenario', 'bad-input', '--report-dir', reports], { TMPDIR: tmp });
    await eventually('Chromium rendering the report', () => chromiumsOf(tmp), (pids) => pids.length > 0, 120_000);
    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.done;
    expect(stderr).toBe('');
    expect(code).toBe(130);
    expect(stdout).toContain('SIGINT: shutting down');
    await eventually('no Chromium left', () => chromiumsOf(tmp), (pids) => pids.length === 0);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
    rmSync(reports, { recursive: true });
  });

  test('diagram: SIGTERM mid-scenario closes everything and exits 143', async () => {
    const tmp = privateTmp();
    const out = privateTmp();
    const diagram = startCli(['diagram', '--variant=all', '--scenario=concurrent-orders', '--no-render', '--out', out], { TMPDIR: tmp });
    await eventually('the first system to boot', () => readdirSync(tmp), (files) => files.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    diagram.child.kill('SIGTERM');
    const { code, stderr } = await diagram.done;
    expect(stderr).toBe('');
    expect(code).toBe(143);
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
    rmSync(out, { recursive: true });
  });

  test('walk --script: SIGINT while a crowd step runs closes the walk and exits 130', async () => {
    const tmp = privateTmp();
    const script = join(tmp, 'walk.txt');
    writeFileSync(script, ['step', 'concurrent-orders', 'step', 'step', 'quit'].join('\n'));
    const walkTmp = privateTmp();
    const walk = startCli(['walk', '--variant=hybrid', '--script', script], { TMPDIR: walkTmp });
    await eventually('the walk to boot', () => readdirSync(walkTmp), (files) => files.length > 0);
    await new Promise((r) => setTimeout(r, 500));
    walk.child.kill('SIGINT');
    const { code, stderr } = await walk.done;
    expect(stderr).toBe('');
    expect(code).toBe(130);
    expect(readdirSync(walkTmp)).toEqual([]);
    rmSync(tmp, { recursive: true });
    rmSync(walkTmp, { recursive: true });
  });
});
