import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from './haproxy.js';

/*
 * The console as its users run it: apps/web's production build served by `next start`, a process of its own
 * (ingest never imports the console), called over HTTP as the browser calls it.
 */

/** apps/web, whose `.next` build turbo makes before ingest's tests (turbo.json). */
const WEB_DIR = join(import.meta.dirname, '../../../web');

/** The admin the console creates at its first start (`LAKESTREAM_ADMIN_EMAIL`/`…_PASSWORD`). */
export const CONSOLE_ADMIN = { email: 'admin@cluster.test', password: 'cluster-admin-password' };

/** A running console, signed in as {@link CONSOLE_ADMIN}. */
export interface ConsoleProcess {
  /** `http://127.0.0.1:<port>`: its public URL, the OAuth issuer, the nodes' `--control-plane-url`. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Calls a tRPC procedure (query or mutation) with the admin's session; rejects with the HTTP error. */
  call<T>(path: string, input?: unknown): Promise<T>;
  /** An access token for a service principal's credential (the OAuth client-credentials grant). */
  accessToken(clientId: string, clientSecret: string): Promise<string>;
  /** What the console printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `next start` on a free port of 127.0.0.1 with `env` (the `LAKESTREAM_*` settings; the rest of this
 * process's environment is passed on, e.g. the object store's credentials), waits until it answers, and
 * signs the admin in. Fails saying to build first when apps/web has no production build.
 */
export async function startConsole(env: Readonly<Record<string, string>>): Promise<ConsoleProcess> {
  if (!existsSync(join(WEB_DIR, '.next', 'BUILD_ID')))
    throw new Error(`${WEB_DIR} has no production build: run \`npx turbo run build\` first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nextBin = createRequire(join(WEB_DIR, 'package.json')).resolve('next/dist/bin/next');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('LAKESTREAM_')),
  );
  const child = spawn(
    process.execPath,
    [nextBin, 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: WEB_DIR,
      env: {
        ...inherited,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        LAKESTREAM_PUBLIC_URL: url,
        LAKESTREAM_ADMIN_EMAIL: CONSOLE_ADMIN.email,
        LAKESTREAM_ADMIN_PASSWORD: CONSOLE_ADMIN.password,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };

  let cookie = '';
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, cookie },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`console ${path}: HTTP ${response.status}: ${text}`);
    return { text, setCookie: response.headers.get('set-cookie') ?? '' };
  };
  const call = async <T>(path: string, input?: unknown): Promise<T> => {
    const { text } = await post(`/api/trpc/${path}`, input ?? null);
    return (JSON.parse(text) as { result: { data: T } }).result.data;
  };
  try {
    await answering(url, exited, () => output);
    // Loads the heartbeat route before the first node beats (a beat gets --heartbeat-ms to be answered).
    await fetch(`${url}/api/nodes/heartbeat`, { method: 'POST', body: '{}' }).then((r) => r.body?.cancel());
    const signedIn = await post('/api/trpc/auth.signIn', CONSOLE_ADMIN);
    cookie = signedIn.setCookie.split(';')[0] ?? '';
    if (!/=./.test(cookie)) throw new Error(`auth.signIn set no session cookie: ${signedIn.setCookie}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    process: child,
    call,
    accessToken: async (clientId, clientSecret) => {
      const response = await fetch(`${url}/oidc/v1/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=all-apis',
      });
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || body.access_token === undefined)
        throw new Error(`console token endpoint: HTTP ${response.status}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    output: () => output,
    stop,
  };
}

/** Resolves once the console's public `auth.status` answers; rejects with its output when it exits first. */
async function answering(url: string, exited: Promise<unknown>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`the console exited before answering:\n${output()}`);
    const ok = await fetch(`${url}/api/trpc/auth.status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
