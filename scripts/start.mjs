#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: the whole product on embedded defaults, in one terminal. Starts an ingest node
 * (apps/ingest/dist/main.js) and, once it is ready, the console (`next start` in apps/web) wired to it: the
 * console's SQLite catalog, the node's WAL and the Delta tables all live under one data directory, the
 * console provisions the node through its admin port with the node's generated admin secret. The console
 * stays up whatever the node does (the SDKs get their tokens from it): a node that dies is restarted on the
 * same ports after a backoff (1 s, doubling to 30 s; back to 1 s once a node has run for a minute), saying
 * why it stopped and when it restarts. Ctrl-C sends each server one SIGTERM (the node drains — last acks,
 * publish, fsync) and stops both. Prints where everything is and how to sign in the first time. Options:
 * `node scripts/start.mjs --help`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(root, 'apps', 'web');
const ingestMain = join(root, 'apps', 'ingest', 'dist', 'main.js');

/** The ingest node's restart backoff: the first delay, its cap, and how long a node must run to reset it. */
const RESTART = { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 };

const HELP = `Usage: node scripts/start.mjs [options]   (what \`npm start\` runs after building)

Starts an ingest node and the console on one data directory.

  --data-dir <dir>       catalog.db, the WAL, the Delta tables, keys and secrets (default ./data)
  --host <address>       address every server listens on (default 127.0.0.1; 0.0.0.0 serves other machines,
                         then set LAKESTREAM_PUBLIC_URL and LAKESTREAM_INGEST_ENDPOINT to the names they use)
  --console-port <n>     the console and the OAuth token endpoint (default 3000)
  --port <n>             the Zerobus gRPC endpoint producers connect to (default 50051)
  --admin-port <n>       the node's admin API, used by the console (default 50052)
  --metrics-port <n>     the node's Prometheus endpoint (default 9464)

The console stays up when the ingest node stops: the node is restarted on the same ports after ${RESTART.firstDelayMs / 1000} s,
then twice as long after each failed attempt, up to ${RESTART.maxDelayMs / 1000} s (back to ${RESTART.firstDelayMs / 1000} s once a node has run for
${RESTART.healthyAfterMs / 1000} s); the console shows it as unreachable meanwhile. Ctrl-C stops both (the node drains first).

The console reads its other settings from LAKESTREAM_* variables (apps/web/README.md); the node's are
listed by \`node apps/ingest/dist/main.js --help\`.`;

/** How long each server gets to become ready before start-up is abandoned. */
const READY_TIMEOUT_MS = 120_000;

/** @param {string} message */
function fail(message) {
  process.stderr.write(`lakestream: ${message}\n`);
  process.exit(1);
}

/** @param {string | undefined} text @param {string} flag @param {number} fallback */
function portOption(text, flag, fallback) {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`${flag}: expected a port number, got '${text}'`);
  return port;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      'data-dir': { type: 'string', default: './data' },
      host: { type: 'string', default: '127.0.0.1' },
      'console-port': { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
  throw error;
}
if (parsed.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const host = parsed.host;
const dataDir = resolve(parsed['data-dir']);
const consolePort = portOption(parsed['console-port'], '--console-port', 3000);
const ports = {
  port: portOption(parsed.port, '--port', 50051),
  adminPort: portOption(parsed['admin-port'], '--admin-port', 50052),
  metricsPort: portOption(parsed['metrics-port'], '--metrics-port', 9464),
};

if (!existsSync(ingestMain)) fail(`${ingestMain} is missing: build first (npm run build)`);
if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) fail('the console is not built: run npm run build first');
try {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
} catch (error) {
  fail(`--data-dir: cannot create '${dataDir}': ${error instanceof Error ? error.message : String(error)}`);
}

/** Loopback addresses are shown as such; a wildcard listener is reached on loopback from this machine. */
const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

/** The running servers: the console, and the ingest node (replaced at each restart). */
const servers = {
  /** @type {import('node:child_process').ChildProcess | undefined} */ node: undefined,
  /** @type {import('node:child_process').ChildProcess | undefined} */ console: undefined,
};
let stopping = false;
/** The pending restart of the node, if it is waiting out its backoff. @type {NodeJS.Timeout | undefined} */
let restartTimer;

/** @param {import('node:child_process').ChildProcess | undefined} child */
const isRunning = (child) => child !== undefined && child.exitCode === null && child.signalCode === null;

/** Sends each running server one SIGTERM (the node drains) and exits with `code` once both have. @param {number} code */
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  clearTimeout(restartTimer);
  const running = [servers.node, servers.console].filter(isRunning);
  if (running.length === 0) process.exit(code);
  let left = running.length;
  for (const child of running) {
    child.once('exit', () => {
      left -= 1;
      if (left === 0) process.exit(code);
    });
    child.kill('SIGTERM');
  }
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
// Children live in their own process groups; never leave them behind.
process.on('exit', () => {
  for (const child of [servers.node, servers.console]) if (isRunning(child)) child?.kill('SIGKILL');
});

/**
 * Spawns a server whose stdout and stderr are passed through line by line to this terminal, stdout also to
 * `onLine`. `onExit` hears how it ended and the last problem it reported (an error-level log line or the
 * last stderr line), unless the launcher is stopping. @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} options @param {(line: string) => void} onLine
 * @param {(how: string, problem: string | undefined) => void} onExit
 */
function startServer(args, options, onLine, onExit) {
  // Its own process group: Ctrl-C reaches only this launcher, which forwards one SIGTERM (a second signal
  // would make the node stop without draining).
  const child = spawn(process.execPath, args, {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string | undefined} */
  let problem;
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      process.stdout.write(`${line}\n`);
      const logged = errorLogMessage(line);
      if (logged !== undefined) problem = logged;
      onLine(line);
    });
  }
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      process.stderr.write(`${line}\n`);
      // Stack frames say where, not what: keep the message above them.
      if (line.trim() !== '' && !/^\s+at /.test(line)) problem = line.trim();
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    onExit(signal ?? `exit code ${code}`, problem);
  });
  return child;
}

/** The message of a JSON log line at level error or fatal, else undefined. @param {string} line */
function errorLogMessage(line) {
  if (!line.startsWith('{') || !/"level":"(error|fatal)"/.test(line)) return undefined;
  try {
    const entry = JSON.parse(line);
    return typeof entry.msg === 'string' ? entry.msg : undefined;
  } catch {
    return undefined;
  }
}

/** @param {number} ms */
const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;

/**
 * Starts the ingest node and keeps it running. Resolves with its listening ports once it first logs that it
 * is ready; rejects if it stops or is not ready before then (a bad option, a port in use: nothing to retry).
 * After that, a node that stops is restarted on the same ports, after `RESTART` backoff, and the console
 * stays up. @returns {Promise<typeof ports>}
 */
function superviseIngestNode() {
  let delayMs = RESTART.firstDelayMs;
  let attempt = 0;
  /** The ports the first node bound (a restart must keep them: the console and the producers use them). */
  let bound = ports;
  let running = false;
  return new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(
      () => rejectReady(new Error('the ingest node was not ready in time')),
      READY_TIMEOUT_MS,
    );
    const launch = () => {
      if (stopping) return;
      attempt += 1;
      let readyAt = 0;
      const args = [ingestMain, '--data-dir', dataDir, '--host', host, '--admin-host', host];
      args.push(
        '--metrics-host',
        host,
        '--port',
        String(bound.port),
        '--admin-port',
        String(bound.adminPort),
      );
      args.push('--metrics-port', String(bound.metricsPort));
      const child = startServer(
        args,
        { cwd: root },
        (line) => {
          if (!line.includes('lakestream-ingest ready')) return;
          let ready;
          try {
            ready = JSON.parse(line);
          } catch {
            return; // a line that merely mentions the words; keep waiting
          }
          readyAt = Date.now();
          if (!running) {
            running = true;
            clearTimeout(timer);
            bound = { port: ready.port, adminPort: ready.adminPort, metricsPort: ready.metricsPort };
            process.stdout.write(`lakestream: the ingest node is ready (pid ${child.pid})\n`);
            resolveReady(bound);
          } else {
            process.stdout.write(
              `lakestream: the ingest node is back (pid ${child.pid}, restart ${attempt - 1}), on port ${bound.port}\n`,
            );
          }
        },
        (how, problem) => {
          const why = problem === undefined ? how : `${how}: ${problem}`;
          if (!running) {
            clearTimeout(timer);
            rejectReady(new Error(`the ingest node stopped before it was ready (${why})`));
            return;
          }
          const ranMs = readyAt === 0 ? 0 : Date.now() - readyAt;
          if (ranMs >= RESTART.healthyAfterMs) delayMs = RESTART.firstDelayMs;
          process.stderr.write(
            `lakestream: the ingest node (pid ${child.pid}) stopped (${why})` +
              `${readyAt === 0 ? ' before it was ready' : ` after ${seconds(ranMs)}`}; ` +
              `restarting it in ${seconds(delayMs)}. The console stays up and shows the node as unreachable meanwhile.\n`,
          );
          restartTimer = setTimeout(launch, delayMs);
          delayMs = Math.min(delayMs * 2, RESTART.maxDelayMs);
        },
      );
      servers.node = child;
    };
    launch();
  });
}

/** Polls the console's public status procedure until it answers. @param {string} url */
async function waitForConsole(url) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(`${url}/api/trpc/auth.status`);
      if (response.ok) {
        const body = await response.json();
        return /** @type {{needsSetup: boolean}} */ (body.result.data);
      }
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the console was not ready in time (${lastProblem})`);
}

try {
  const node = await superviseIngestNode();
  const publicUrl = process.env.LAKESTREAM_PUBLIC_URL ?? `http://${reachableHost}:${consolePort}`;
  const ingestEndpoint = process.env.LAKESTREAM_INGEST_ENDPOINT ?? `http://${reachableHost}:${node.port}`;
  const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next');
  servers.console = startServer(
    [nextBin, 'start', '--hostname', host, '--port', String(consolePort)],
    {
      cwd: webDir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        LAKESTREAM_DATA_DIR: dataDir,
        LAKESTREAM_TABLES_DIR: process.env.LAKESTREAM_TABLES_DIR ?? dataDir,
        LAKESTREAM_PUBLIC_URL: publicUrl,
        LAKESTREAM_INGEST_ENDPOINT: ingestEndpoint,
        LAKESTREAM_INGEST_NODES:
          process.env.LAKESTREAM_INGEST_NODES ??
          `${reachableHost}:${node.adminPort}=${join(dataDir, 'admin-secret')}`,
      },
    },
    () => {},
    (how, problem) => {
      process.stderr.write(
        `lakestream: the console stopped (${problem === undefined ? how : `${how}: ${problem}`}); stopping\n`,
      );
      stopAll(1);
    },
  );
  const status = await waitForConsole(`http://${reachableHost}:${consolePort}`);
  const signIn = status.needsSetup
    ? `first time: open ${publicUrl}/setup and create the admin account`
    : `sign in at ${publicUrl}/sign-in`;
  process.stdout.write(
    [
      '',
      'Lakestream is running.',
      `  console        ${publicUrl}   (${signIn})`,
      `  ingest (gRPC)  ${ingestEndpoint}   (Zerobus SDK server endpoint; OAuth tokens from ${publicUrl}/oidc/v1/token)`,
      `  admin API      ${reachableHost}:${node.adminPort}   metrics http://${reachableHost}:${node.metricsPort}/metrics`,
      `  data           ${dataDir}`,
      `If the ingest node stops, it is restarted (after ${seconds(RESTART.firstDelayMs)}, doubling to ${seconds(RESTART.maxDelayMs)}); the console stays up meanwhile.`,
      'Ctrl-C stops both (the node drains first: last acks, publish, fsync).',
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`lakestream: ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll(1);
}
