import { createServer, type Server } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { expect, test } from 'vitest';
import { cli, privateTmp, startCli } from '../support/cli.js';
import { eventually } from '../support/eventually.js';

const listenOn = (port: number) =>
  new Promise<Server | undefined>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** A free port P whose neighbour P + 1 is now held by a server of the test. */
async function gatewayPortWithAdminTaken(): Promise<{ port: number; blocker: Server }> {
  for (;;) {
    const blocker = (await listenOn(0))!;
    const port = (blocker.address() as { port: number }).port - 1;
    const probe = port > 1024 ? await listenOn(port) : undefined;
    if (probe) {
      await close(probe);
      return { port, blocker };
    }
    await close(blocker);
  }
}

test("serve: when the default admin port (the gateway's + 1) is taken, the operator API takes a free one and says where; an explicit one that is taken is refused in one line", async () => {
  const tmp = privateTmp();
  const { port, blocker } = await gatewayPortWithAdminTaken();
  try {
    const serve = startCli(['serve', '--variant=http', '--port', String(port), '--json-logs'], { TMPDIR: tmp });
    await eventually('serve to start', () => serve.stdout().includes('"event":"started"') || serve.child.exitCode !== null);
    expect(serve.child.exitCode).toBeNull();
    const started = JSON.parse(serve.stdout().split('\n').find((l) => l.includes('"event":"started"'))!);
    expect(started.gateway).toBe(`http://127.0.0.1:${port}/api/v1`);
    expect(started.admin).not.toBe(`http://127.0.0.1:${port + 1}`);
    const token = readFileSync(started.adminTokenFile, 'utf8').trim();
    expect(((await (await fetch(`${started.admin}/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { variant: string }).variant).toBe('http');
    serve.child.kill('SIGTERM');
    expect((await serve.done).code).toBe(0);
    const explicit = await cli(['serve', '--variant=http', '--port', String(port), '--admin-port', String(port + 1)], { TMPDIR: tmp });
    expect(explicit.code).toBe(3);
    expect(explicit.stderr.trim()).toBe(`orderctl: admin port ${port + 1} is in use: choose another with --admin-port (0 picks a free one)`);
  } finally {
    await close(blocker);
    rmSync(tmp, { recursive: true, force: true });
  }
});
