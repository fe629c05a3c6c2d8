import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/*
 * deploy/'s Compose file and Kubernetes manifests read as the tests check them against the code: the
 * processes they run from the Lakestream image (ingest nodes, the console) with the arguments and environment
 * each would see, the example secrets filled in (deploy/compose/.env.example, deploy/kubernetes/secrets.example.yaml).
 */

/** The repository's deploy/ directory. */
export const DEPLOY_DIR = resolve(import.meta.dirname, '../../../deploy');

/** A value the manifests take from a secret: where it comes from (`compose .env NAME`, `secret name/key`) and the example value. */
export interface SecretValue {
  readonly source: string;
  readonly value: string;
}

/** One process the manifests run from the Lakestream image. */
export interface DeployedProcess {
  /** Where it is declared: `compose ingest-0`, `kubernetes StatefulSet/ingest`. */
  readonly where: string;
  /** The image's command: `ingest` or `console`. */
  readonly command: string;
  /** The arguments after the command (an ingest node's flags). */
  readonly args: readonly string[];
  /** Its environment as the process sees it (secrets with their example values). */
  readonly env: Readonly<Record<string, string>>;
  /** What comes from a secret, by variable name or by file path. */
  readonly secrets: Readonly<Record<string, SecretValue>>;
  /** Where its volumes (not its secrets) are mounted. */
  readonly mounts: readonly string[];
}

/** A Compose service, as far as the tests read it. */
export interface ComposeService {
  readonly image?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number>>;
  readonly volumes?: readonly string[];
  readonly secrets?: readonly string[];
  readonly ports?: readonly string[];
  readonly stop_grace_period?: string;
  readonly networks?: Readonly<Record<string, { readonly aliases?: readonly string[] } | null>>;
}

/** deploy/compose/compose.yaml, parsed. */
export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly secrets?: Readonly<Record<string, { readonly environment?: string }>>;
}

/** A Kubernetes container, as far as the tests read it. */
export interface KubernetesContainer {
  readonly name: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly ports?: readonly { readonly name: string; readonly containerPort: number }[];
  readonly env?: readonly {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: {
      readonly fieldRef?: { readonly fieldPath: string };
      readonly secretKeyRef?: { readonly name: string; readonly key: string };
    };
  }[];
  readonly envFrom?: readonly { readonly secretRef?: { readonly name: string } }[];
  readonly startupProbe?: KubernetesProbe;
  readonly livenessProbe?: KubernetesProbe;
  readonly readinessProbe?: KubernetesProbe;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

/** A probe; `port` is a port's name or number. */
export interface KubernetesProbe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
  readonly tcpSocket?: { readonly port: string | number };
}

/** A Kubernetes object of the manifests, as far as the tests read it. */
export interface KubernetesObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: {
    readonly clusterIP?: string;
    readonly serviceName?: string;
    readonly ports?: readonly {
      readonly name: string;
      readonly port: number;
      readonly targetPort?: string;
    }[];
    readonly template?: {
      readonly spec: {
        readonly terminationGracePeriodSeconds?: number;
        readonly containers: readonly KubernetesContainer[];
        readonly volumes?: readonly {
          readonly name: string;
          readonly secret?: { readonly secretName: string };
        }[];
      };
    };
    readonly volumeClaimTemplates?: readonly { readonly metadata: { readonly name: string } }[];
  };
  readonly stringData?: Readonly<Record<string, string>>;
}

/** deploy/kubernetes/: the objects kustomization.yaml applies, its namespace, and the example Secrets. */
export interface KubernetesManifests {
  readonly namespace: string;
  readonly objects: readonly KubernetesObject[];
  readonly secrets: readonly KubernetesObject[];
}

/** The text of a file under deploy/. */
export function readDeployFile(path: string): string {
  return readFileSync(join(DEPLOY_DIR, path), 'utf8');
}

/** The `NAME=value` lines of deploy/compose/.env.example. */
function composeExampleEnv(): Map<string, string> {
  const lines = readDeployFile('compose/.env.example').split('\n');
  return new Map(
    lines.flatMap((line) => {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      return m === null ? [] : [[m[1]!, m[2]!] as const];
    }),
  );
}

/** deploy/compose/compose.yaml with `${NAME}` (`${NAME:?…}`, `${NAME:-…}`) taken from .env.example. */
export function readCompose(): ComposeFile {
  const example = composeExampleEnv();
  const text = readDeployFile('compose/compose.yaml').replace(
    /\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}/g,
    (_, name: string) => {
      const value = example.get(name);
      if (value === undefined)
        throw new Error(`compose.yaml uses \${${name}}, which .env.example does not set`);
      return value;
    },
  );
  return parse(text, { merge: true }) as ComposeFile;
}

/** The processes of the Lakestream image in compose.yaml (services that keep its entry point). */
export function composeProcesses(): DeployedProcess[] {
  const example = composeExampleEnv();
  const raw = parse(readDeployFile('compose/compose.yaml'), { merge: true }) as ComposeFile;
  const compose = readCompose();
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (service.image !== 'lakestream:dev' || service.entrypoint !== undefined) return [];
    const [command = 'ingest', ...args] = service.command ?? [];
    const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const secrets: Record<string, SecretValue> = {};
    for (const [variable, text] of Object.entries(raw.services[name]?.environment ?? {})) {
      const m = /^\$\{([A-Z0-9_]+)[^}]*\}$/.exec(String(text));
      if (m !== null) secrets[variable] = { source: `compose .env ${m[1]}`, value: env[variable]! };
    }
    for (const secret of service.secrets ?? []) {
      const from = compose.secrets?.[secret]?.environment;
      if (from === undefined)
        throw new Error(`compose secret ${secret}: only \`environment:\` secrets are read`);
      secrets[`/run/secrets/${secret}`] = { source: `compose .env ${from}`, value: example.get(from) ?? '' };
    }
    const mounts = (service.volumes ?? []).map((v) => v.split(':')[1]!);
    return [{ where: `compose ${name}`, command, args, env, secrets, mounts }];
  });
}

/** deploy/kubernetes/: what kustomization.yaml applies, and secrets.example.yaml. */
export function readKubernetes(): KubernetesManifests {
  const kustomization = parse(readDeployFile('kubernetes/kustomization.yaml')) as {
    namespace: string;
    resources: string[];
  };
  const documents = (file: string) =>
    parseAllDocuments(readDeployFile(`kubernetes/${file}`)).map((d) => d.toJS() as KubernetesObject);
  return {
    namespace: kustomization.namespace,
    objects: kustomization.resources.flatMap(documents),
    secrets: documents('secrets.example.yaml'),
  };
}

/**
 * The processes of the Lakestream image in the Kubernetes manifests: containers of image `lakestream`, their
 * environment resolved as the kubelet does for the first pod (`metadata.name` = `<name>-0`; `$(VAR)`), Secrets
 * from secrets.example.yaml. Throws when a manifest names a Secret or key that file does not define.
 */
export function kubernetesProcesses(): DeployedProcess[] {
  const { objects, secrets: exampleSecrets } = readKubernetes();
  const secretKeys = (name: string): Readonly<Record<string, string>> => {
    const data = exampleSecrets.find((s) => s.metadata.name === name)?.stringData;
    if (data === undefined) throw new Error(`Secret ${name} is not in secrets.example.yaml`);
    return data;
  };
  const secretValue = (name: string, key: string): SecretValue => {
    const value = secretKeys(name)[key];
    if (value === undefined) throw new Error(`Secret ${name} has no key ${key} in secrets.example.yaml`);
    return { source: `secret ${name}/${key}`, value };
  };
  return objects.flatMap((object) => {
    const pod = object.spec?.template?.spec;
    if (pod === undefined) return [];
    return pod.containers
      .filter((c) => c.image === 'lakestream')
      .map((container) => {
        const env: Record<string, string> = {};
        const secrets: Record<string, SecretValue> = {};
        for (const from of container.envFrom ?? []) {
          const name = from.secretRef?.name;
          if (name === undefined) continue;
          for (const key of Object.keys(secretKeys(name))) {
            secrets[key] = secretValue(name, key);
            env[key] = secrets[key].value;
          }
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref !== undefined) {
            secrets[variable.name] = secretValue(ref.name, ref.key);
            env[variable.name] = secrets[variable.name]!.value;
          } else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.name') {
            env[variable.name] = `${object.metadata.name}-0`;
          } else {
            env[variable.name] = (variable.value ?? '').replace(
              /\$\(([A-Za-z0-9_]+)\)/g,
              (text, n) => env[n] ?? text,
            );
          }
        }
        const mounts: string[] = [];
        for (const mount of container.volumeMounts ?? []) {
          const secretName = pod.volumes?.find((v) => v.name === mount.name)?.secret?.secretName;
          if (secretName === undefined) mounts.push(mount.mountPath);
          else
            for (const key of Object.keys(secretKeys(secretName)))
              secrets[`${mount.mountPath}/${key}`] = secretValue(secretName, key);
        }
        const [command = '', ...args] = container.args ?? [];
        return {
          where: `kubernetes ${object.kind}/${object.metadata.name}`,
          command,
          args,
          env,
          secrets,
          mounts,
        };
      });
  });
}
