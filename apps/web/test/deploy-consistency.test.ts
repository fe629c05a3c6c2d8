import {
  composeProcesses,
  type DeployedProcess,
  kubernetesProcesses,
  readCompose,
  readKubernetes,
} from '@lakestream/testkit/deploy';
import { describe, expect, it } from 'vitest';
import { parseEnv, WEB_ENV_VARIABLES, type WebEnv } from '../src/env';

/*
 * deploy/ (Compose, Kubernetes) against the console's code: every LAKESTREAM_* variable given to the console
 * is one env.ts reads, with a valid value; its catalog is the PostgreSQL the manifests run; registered nodes
 * share its node secret; it reads the tables with the nodes' storage credentials. The nodes' side:
 * apps/ingest/test/deploy-consistency.test.ts.
 */

const KNOWN = new Set(WEB_ENV_VARIABLES);

/** The console's configuration from a process's environment, or the console's own error. */
function parse(process: DeployedProcess): WebEnv {
  const unknown = Object.keys(process.env).filter((v) => v.startsWith('LAKESTREAM_') && !KNOWN.has(v));
  if (unknown.length > 0) throw new Error(`${process.where}: the console reads no ${unknown.join(', ')}`);
  return parseEnv(process.env);
}

/** The names of the storage SDKs' variables a process is given. */
const storageVariables = (p: DeployedProcess) =>
  Object.keys(p.env)
    .filter((v) => /^(AZURE_STORAGE|AWS)_/.test(v))
    .sort();

const deployments = [
  { name: 'compose', processes: composeProcesses() },
  { name: 'kubernetes', processes: kubernetesProcesses() },
];

describe.each(deployments)('deploy/: the console $name runs', ({ processes }) => {
  const consoles = processes.filter((p) => p.command === 'console');
  const nodes = processes.filter((p) => p.command === 'ingest');

  it('is one, beside ingest nodes', () => {
    expect(consoles).toHaveLength(1);
    expect(nodes.length).toBeGreaterThan(0);
  });

  it('loads a configuration: catalog on PostgreSQL, data directory on a volume', () => {
    const env = parse(consoles[0]!);
    expect(new URL(env.databaseUrl!).host).toBe('postgres:5432');
    expect(consoles[0]!.mounts.some((m) => env.dataDir.startsWith(`${m}/`))).toBe(true);
  });

  it("takes registrations with the nodes' admin secret, and reads tables with their storage credentials", () => {
    const env = parse(consoles[0]!);
    const file = consoles[0]!.secrets[env.nodeSecretFile!];
    for (const node of nodes) {
      expect(node.secrets.LAKESTREAM_ADMIN_SECRET).toEqual(file);
      expect(storageVariables(node)).toEqual(storageVariables(consoles[0]!));
    }
  });

  it('a variable the console does not read fails the check, naming it', () => {
    const process = { ...consoles[0]!, env: { ...consoles[0]!.env, LAKESTREAM_NO_SUCH: '1' } };
    expect(() => parse(process)).toThrow(/LAKESTREAM_NO_SUCH/);
  });
});

describe('deploy/: the PostgreSQL the console uses', () => {
  it('is the Compose service and the Kubernetes Service on port 5432', () => {
    expect(readCompose().services.postgres).toBeDefined();
    const service = readKubernetes().objects.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'postgres',
    );
    expect(service?.spec?.ports?.map((p) => p.port)).toEqual([5432]);
  });
});
