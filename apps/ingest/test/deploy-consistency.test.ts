import {
  composeProcesses,
  type DeployedProcess,
  type KubernetesObject,
  kubernetesProcesses,
  readCompose,
  readDeployFile,
  readKubernetes,
} from '@lakestream/testkit/deploy';
import { describe, expect, it } from 'vitest';
import { type LoadedConfig, loadConfig } from '../src/config/load-config.js';
import { CONFIG_OPTIONS } from '../src/config/options.js';

/*
 * deploy/ (Compose, Kubernetes) against the node's code: every flag and LAKESTREAM_* variable given to an
 * ingest node is an option with a valid value, ports agree between the node, HAProxy, probes and Services,
 * and the HAProxy configuration Kubernetes uses keeps the shipped one's essentials. The console's side:
 * apps/web/test/deploy-consistency.test.ts.
 */

const OPTION_VARIABLES = new Set(Object.values(CONFIG_OPTIONS).map((o) => o.env));

/** The configuration the node would load, or the node's own error (naming each bad flag or variable). */
function load(node: DeployedProcess): LoadedConfig {
  const unknown = Object.keys(node.env).filter(
    (v) => v.startsWith('LAKESTREAM_') && !OPTION_VARIABLES.has(v),
  );
  if (unknown.length > 0) throw new Error(`${node.where}: not options of the node: ${unknown.join(', ')}`);
  return loadConfig(node.args, node.env);
}

/** `host:port` → its parts. */
function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/** A HAProxy configuration's `server` and `server-template` lines: address and check port. */
function haproxyServers(cfg: string) {
  return [...cfg.matchAll(/^\s*server(?:-template\s+\S+\s+\d+|\s+\S+)\s+(\S+)\s+port\s+(\d+)/gm)].map(
    (m) => ({
      ...hostPort(m[1]!),
      checkPort: Number(m[2]),
    }),
  );
}

/** A HAProxy configuration without comments, blank lines, servers and `resolvers` sections: its essentials. */
function haproxyEssentials(cfg: string): string[] {
  const sections = cfg.split(/^(?=\S)/m).filter((s) => !s.startsWith('resolvers '));
  return sections
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !/^server(-template)?\s/.test(l));
}

const ingestNodes = [...composeProcesses(), ...kubernetesProcesses()].filter((p) => p.command === 'ingest');

describe('deploy/: the ingest nodes it runs', () => {
  it('are the three Compose services and the Kubernetes StatefulSet', () => {
    expect(ingestNodes.map((n) => n.where)).toEqual([
      'compose ingest-0',
      'compose ingest-1',
      'compose ingest-2',
      'kubernetes StatefulSet/ingest',
    ]);
  });

  it.each(ingestNodes)('$where: loads a configuration serving other machines from its volume', (node) => {
    const config = load(node);
    expect([config.host, config.admin.host, config.metrics.host]).toEqual(['0.0.0.0', '0.0.0.0', '0.0.0.0']);
    expect(node.mounts.some((m) => config.dataDir.startsWith(`${m}/`))).toBe(true);
    expect(config.wal.dir.startsWith(config.dataDir)).toBe(true);
    // Registered by heartbeat with the console, reached at the advertised gRPC port and the admin port.
    expect(config.controlPlane?.url).toBe('http://console:3000');
    expect(hostPort(config.controlPlane!.advertiseAddress!).port).toBe(config.port);
    expect(config.admin.secret).toBe(node.secrets.LAKESTREAM_ADMIN_SECRET?.value);
    expect(config.nodeId).toBeDefined();
  });

  it('a flag or variable the node does not know fails the check, naming it', () => {
    const node = ingestNodes[0]!;
    expect(() => load({ ...node, args: [...node.args, '--no-such-flag', '1'] })).toThrow(/--no-such-flag/);
    expect(() => load({ ...node, env: { ...node.env, LAKESTREAM_NO_SUCH: '1' } })).toThrow(
      /LAKESTREAM_NO_SUCH/,
    );
  });
});

describe('deploy/compose', () => {
  const compose = readCompose();
  const nodes = ingestNodes.filter((n) => n.where.startsWith('compose '));

  it('gives each node its own id, volume and name, the name the shipped HAProxy configuration reaches it by', () => {
    const configs = nodes.map(load);
    expect(new Set(configs.map((c) => c.nodeId)).size).toBe(nodes.length);
    const volumes = nodes.map(
      (n) => compose.services[n.where.slice('compose '.length)]!.volumes![0]!.split(':')[0],
    );
    expect(new Set(volumes).size).toBe(nodes.length);
    const servers = haproxyServers(readDeployFile('haproxy/haproxy.cfg'));
    expect(servers).toEqual(
      configs.map((c) => ({
        ...hostPort(c.controlPlane!.advertiseAddress!),
        checkPort: c.metrics.port,
      })),
    );
    for (const [i, node] of nodes.entries()) {
      const aliases = compose.services[node.where.slice('compose '.length)]!.networks?.default?.aliases;
      expect(aliases).toContain(servers[i]!.host);
    }
  });

  it('runs HAProxy on the shipped configuration, its frontend published, and gives drains their time', () => {
    const haproxy = compose.services.haproxy!;
    expect(haproxy.volumes).toContain('../haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const bind = /^\s*bind\s+:(\d+)/m.exec(readDeployFile('haproxy/haproxy.cfg'))![1];
    expect(haproxy.ports).toContain(`${bind}:${bind}`);
    for (const node of nodes) {
      const grace = compose.services[node.where.slice('compose '.length)]!.stop_grace_period!;
      expect(Number(/^(\d+)s$/.exec(grace)![1]) * 1000).toBeGreaterThan(load(node).drainGraceMs);
    }
    expect(compose.services.console!.ports).toContain('3000:3000');
  });
});

describe('deploy/kubernetes', () => {
  const { namespace, objects } = readKubernetes();
  const find = (kind: string, name: string): KubernetesObject => {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (object === undefined) throw new Error(`no ${kind}/${name} in deploy/kubernetes`);
    return object;
  };
  const statefulSet = find('StatefulSet', 'ingest');
  const pod = statefulSet.spec!.template!.spec;
  const container = pod.containers[0]!;
  const node = ingestNodes.find((n) => n.where === 'kubernetes StatefulSet/ingest')!;
  const containerPort = (name: string | number) =>
    typeof name === 'number' ? name : container.ports!.find((p) => p.name === name)!.containerPort;

  it('names each node after its pod and advertises it under the headless Service', () => {
    const config = load(node);
    const service = find('Service', statefulSet.spec!.serviceName!);
    expect(service.spec!.clusterIP).toBe('None');
    expect(config.nodeId).toBe('ingest-0');
    expect(config.controlPlane!.advertiseAddress).toBe(`ingest-0.${service.metadata.name}:${config.port}`);
    expect(find('Service', 'console').spec!.ports!.map((p) => p.port)).toContain(3000);
  });

  it('opens the ports the node listens on, in the pod and the headless Service', () => {
    const config = load(node);
    const ports = { grpc: config.port, admin: config.admin.port, metrics: config.metrics.port };
    expect(Object.fromEntries(container.ports!.map((p) => [p.name, p.containerPort]))).toEqual(ports);
    const service = find('Service', statefulSet.spec!.serviceName!);
    expect(Object.fromEntries(service.spec!.ports!.map((p) => [p.name, p.port]))).toEqual(ports);
  });

  it('probes readiness on /readyz and liveness on /healthz, on the metrics port', () => {
    const config = load(node);
    const probe = (p: typeof container.readinessProbe) => ({
      path: p?.httpGet?.path,
      port: containerPort(p?.httpGet?.port ?? 0),
    });
    expect(probe(container.readinessProbe)).toEqual({ path: '/readyz', port: config.metrics.port });
    expect(probe(container.livenessProbe)).toEqual({ path: '/healthz', port: config.metrics.port });
    expect(probe(container.startupProbe)).toEqual({ path: '/healthz', port: config.metrics.port });
  });

  it('keeps the data directory on the claim of each pod, and the pod until its drain is over', () => {
    const config = load(node);
    const claim = statefulSet.spec!.volumeClaimTemplates![0]!.metadata.name;
    const mount = container.volumeMounts!.find((m) => m.name === claim)!;
    expect(config.dataDir.startsWith(`${mount.mountPath}/`)).toBe(true);
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(config.drainGraceMs);
  });

  it("balances with the shipped HAProxy configuration's essentials, finding the pods by DNS", () => {
    const config = load(node);
    const cfg = readDeployFile('kubernetes/haproxy.cfg');
    expect(haproxyEssentials(cfg)).toEqual(haproxyEssentials(readDeployFile('haproxy/haproxy.cfg')));
    expect(haproxyServers(cfg)).toEqual([
      {
        host: `${statefulSet.spec!.serviceName}.${namespace}.svc.cluster.local`,
        port: config.port,
        checkPort: config.metrics.port,
      },
    ]);
    const bind = Number(/^\s*bind\s+:(\d+)/m.exec(cfg)![1]);
    const haproxy = find('Deployment', 'haproxy').spec!.template!.spec.containers[0]!;
    expect(haproxy.ports!.map((p) => p.containerPort)).toEqual([bind]);
    expect(find('Service', 'haproxy').spec!.ports!.map((p) => p.port)).toEqual([bind]);
  });
});
