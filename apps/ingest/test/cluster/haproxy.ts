import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/** Debian's HAProxy 2.6 (`apt-get install haproxy`). */
export const HAPROXY_BIN = '/usr/sbin/haproxy';

/** The configuration shipped for users (`deploy/haproxy/haproxy.cfg`). */
export const SHIPPED_CONFIG = join(import.meta.dirname, '../../../../deploy/haproxy/haproxy.cfg');

/** One ingest node behind the balancer: its gRPC port and its metrics port (`/readyz`). */
export interface Backend {
  readonly name: string;
  readonly port: number;
  readonly metricsPort: number;
}

/**
 * The shipped configuration with the test's addresses: the frontend bound to `127.0.0.1:<port>`, the example
 * `server` lines replaced by one per backend with the same options. Throws when the shipped file no longer
 * has the lines this rewrites (the test must follow the file, not a copy of it).
 */
export function testConfig(shipped: string, frontendPort: number, backends: readonly Backend[]): string {
  const lines = shipped.split('\n');
  const bind = lines.findIndex((l) => /^\s*bind\s+:\d+\s/.test(l));
  const servers = lines.flatMap((l, i) => (/^\s*server\s/.test(l) ? [i] : []));
  if (bind < 0 || servers.length === 0)
    throw new Error('deploy/haproxy/haproxy.cfg has no `bind :<port>` or no `server` line to rewrite');
  lines[bind] = lines[bind]!.replace(/bind\s+:\d+/, `bind 127.0.0.1:${frontendPort}`);
  const serverLines = backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} port ${b.metricsPort}`);
  const out = lines.filter((_, i) => !servers.includes(i) || i === servers[0]);
  out.splice(out.indexOf(lines[servers[0]!]!), 1, ...serverLines);
  // Logs to stdout would need a syslog format reader; the test reads the nodes' metrics instead.
  return out.filter((l) => !/^\s*log\s/.test(l)).join('\n');
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running HAProxy child process. */
export interface Haproxy {
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts HAProxy in the foreground (`-db`) on the shipped configuration rewritten for `backends`, after
 * checking it (`-c`). Fails naming the package when HAProxy is not installed.
 */
export async function startHaproxy(dir: string, backends: readonly Backend[]): Promise<Haproxy> {
  if (!existsSync(HAPROXY_BIN))
    throw new Error(`${HAPROXY_BIN} not found: apt-get install haproxy (Debian's HAProxy 2.6)`);
  const port = await freePort();
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, testConfig(await readFile(SHIPPED_CONFIG, 'utf8'), port, backends));
  const check = spawn(HAPROXY_BIN, ['-c', '-q', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let checkErr = '';
  check.stderr!.on('data', (d: Buffer) => {
    checkErr += d.toString();
  });
  const [code] = (await once(check, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`haproxy -c refused the configuration:\n${checkErr}`);
  const child = spawn(HAPROXY_BIN, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'exit');
  await waitForListener(port, exited, () => stderr);
  return {
    port,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves once something accepts connections on `port`; rejects when HAProxy exits first. */
async function waitForListener(port: number, exited: Promise<unknown>, stderr: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`haproxy exited before listening:\n${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
