import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, findPrincipal, SYSTEM_ACTOR } from '@lakestream/catalog';
import { parseEnv } from '../../src/env';
import { setPassword } from '../../src/server/auth/passwords';
import { createCaller } from '../../src/server/root';
import { openWebServices, type WebServices, type WebServicesOptions } from '../../src/server/services';
import type { Context } from '../../src/server/trpc';

/** Test services over a temp data dir; `close` also removes the dir. */
export interface TestServices {
  readonly services: WebServices;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Opens services over a fresh temp data dir (catalog in `:memory:` unless `env` says otherwise; no timers). */
export async function openTestServices(
  env: Record<string, string> = {},
  options: WebServicesOptions = {},
): Promise<TestServices> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lakestream-web-'));
  const services = await openWebServices(
    parseEnv({ LAKESTREAM_DATA_DIR: dataDir, LAKESTREAM_CATALOG_PATH: ':memory:', ...env }),
    { reconcile: false, sampleStreams: false, evaluateAlerts: false, ...options },
  );
  return {
    services,
    dataDir,
    close: async () => {
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Users `admin`, `editor`, `viewer` (password `password-<id>`). */
export async function seedUsers(services: WebServices): Promise<void> {
  for (const role of ['admin', 'editor', 'viewer'] as const) {
    await createUser(services.db, SYSTEM_ACTOR, { id: role, name: `${role}@example.com`, role });
    await setPassword(services.db, role, `password-${role}`);
  }
}

/** A server-side caller as principal `id` (null: anonymous); `cookies` collects Set-Cookie values. */
export function callerAs(services: WebServices, id: string | null, sessionToken: string | null = null) {
  const cookies: string[] = [];
  // The context is built per call, so the caller sees the principal as it is then (roles, disabled).
  const ctx = async (): Promise<Context> => ({
    services,
    user: (id === null ? undefined : await findPrincipal(services.db, id)) ?? null,
    sessionToken,
    address: '192.0.2.10',
    setCookie: (value) => cookies.push(value),
  });
  return { caller: createCaller(ctx), cookies };
}
