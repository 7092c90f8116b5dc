import { expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { cli, privateTmp } from '../support/cli.js';
import { rabbitmqUrl } from '../support/rabbitmq.js';

test('a wrong RabbitMQ password is told as a refused login, not as a broker to start', async () => {
  const url = new URL(await rabbitmqUrl());
  url.password = 'not-the-password';
  const { code, stderr } = await cli(['diagram', '--variant=hybrid', '--scenario=happy-path', '--no-render', '--broker', url.toString()], {}, 30_000);
  expect(code).toBe(3);
  expect(stderr.trim()).toBe(`orderctl: RabbitMQ at amqp://${url.username}:***@${url.host} refused the login (ACCESS_REFUSED): check the user and password in the --broker URL`);
});

test('a virtual host that does not exist is named as such', async () => {
  const url = `${(await rabbitmqUrl()).replace(/\/$/, '')}/no-such-vhost`;
  const { code, stderr } = await cli(['diagram', '--variant=hybrid', '--scenario=happy-path', '--no-render', '--broker', url], {}, 30_000);
  expect(code).toBe(3);
  expect(stderr).toContain('closed the connection while opening virtual host "no-such-vhost"');
});

test('http uses no broker, so a --broker that is down does not stop it', async () => {
  const dir = privateTmp();
  const out = await cli(['diagram', '--variant=http', '--scenario=happy-path', '--no-render', '--out', dir, '--broker', 'amqp://guest:guest@127.0.0.1:1']);
  rmSync(dir, { recursive: true, force: true });
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(out.stdout).toContain('http on no broker (this style sends no messages)');
});

test('run --variant=http with a --broker that is down still runs: http sends no messages', async () => {
  const out = await cli(['run', '--variant=http', '--scenario', 'happy-path', '--no-report', '--broker', 'amqp://guest:guest@127.0.0.1:1']);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(out.stdout).toContain('on no broker (this style sends no messages)');
});
