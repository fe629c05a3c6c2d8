/**
 * Azurite (Microsoft's Azure Storage emulator, the `azurite` npm package) for tests: started as a child process
 * on a free port of 127.0.0.1 with its data in a temp directory, stopped and removed after. Any test suite of
 * the repo (delta, the ingest node, the console) imports it from `@lakestream/delta/test-support`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';

/** Azurite's well-known development account and key (public, the same in every Azurite). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Options of {@link startAzurite}. */
export interface StartAzuriteOptions {
  /**
   * Also set {@link Azurite.env} in this process's `process.env` until `stop()` (restoring what was there):
   * for code that reads the SDKs' standard environment, as an ingest node or the console does, and the Parquet
   * worker threads they start afterwards. Default `false`.
   */
  setProcessEnv?: boolean;
}

/** A running Azurite blob service. Dispose it (`await using`) or `stop()` it. */
export interface Azurite extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/devstoreaccount1`. */
  readonly blobEndpoint: string;
  /** A connection string for the development account at {@link blobEndpoint}. */
  readonly connectionString: string;
  /**
   * The environment the storage adapters read (`AZURE_STORAGE_CONNECTION_STRING`): pass it as
   * `openStorage(…, { env })`, or to a child process (an ingest node, the console) as its environment.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Creates a container (a fresh random name when none is given) and answers its name. */
  createContainer(name?: string): Promise<string>;
  /** Stops the process and removes its data. */
  stop(): Promise<void>;
}

/** The path of Azurite's blob-service entry script, from the installed package. */
function azuriteBlobScript(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
}

/** Sets `env` in `process.env`; answers a function that puts back what was there. */
function setProcessEnv(env: Readonly<Record<string, string>>): () => void {
  const before = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Resolves with the port once Azurite prints that it listens; rejects when it exits first. */
function listeningPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output());
      if (m !== null) {
        child.off('exit', onExit);
        resolve(Number(m[1]));
      }
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`Azurite exited (code ${code}) before listening:\n${output()}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
}

/**
 * Starts Azurite's blob service (`--loose --skipApiVersionCheck --disableTelemetry`) on a free port of
 * 127.0.0.1, its data in a new temp directory. Rejects with Azurite's output when it exits before listening.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<Azurite> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const args = [
    azuriteBlobScript(),
    ...['--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location],
    ...['--loose', '--skipApiVersionCheck', '--disableTelemetry', '--silent'],
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  // A test process that exits without stopping it (a crash, a forgotten stop) takes Azurite along.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let restoreEnv = (): void => {};
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    restoreEnv();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(location, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await listeningPort(child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  const blobEndpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${blobEndpoint};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const env = { AZURE_STORAGE_CONNECTION_STRING: connectionString };
  if (options.setProcessEnv === true) restoreEnv = setProcessEnv(env);
  return {
    blobEndpoint,
    connectionString,
    env,
    async createContainer(name = `c${randomUUID().replaceAll('-', '')}`) {
      await service.getContainerClient(name).create();
      return name;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
