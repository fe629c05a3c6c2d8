import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONFIG_OPTIONS,
  ConfigError,
  formatConfigHelp,
  formatConfigTable,
  loadConfig,
  prepareDataDir,
} from './config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakestream-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What `main.ts` does: load the configuration, then prepare the data directory. */
function load(argv: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  return prepareDataDir(loadConfig(argv, env));
}

/** The problems `loadConfig` and `prepareDataDir` report for these arguments. */
function problems(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    load(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const SECRET = 'an-admin-secret-of-some-length';

describe('loadConfig: defaults and the data directory', () => {
  it('fills in every default and prepares node-id and admin-secret files', () => {
    const config = load(['--data-dir', dir], {});
    expect(config).toMatchObject({
      dataDir: dir,
      host: '127.0.0.1',
      port: 50051,
      connectionPrefaceTimeoutMs: 10_000,
      admin: { host: '127.0.0.1', port: 50052, secretFile: join(dir, 'admin-secret'), insecure: false },
      metrics: { host: '127.0.0.1', port: 9464 },
      provisioningFile: undefined,
      logLevel: 'info',
      limits: {
        maxStreams: 1024,
        maxStreamsPerPrincipal: 256,
        streamHandshakeTimeoutMs: 10_000,
        streamIdleTimeoutMs: 600_000,
        maxRecordBytes: 10 * 1024 * 1024,
        maxRequestBytes: 10 * 1024 * 1024 + 64 * 1024,
        streamInflightBytes: 64 * 1024 * 1024,
        nodeInflightBytes: 1024 * 1024 * 1024,
      },
      publish: { flushMs: 1000, flushBytes: 128 * 1024 * 1024 },
      wal: { dir: join(dir, 'wal') },
      drainGraceMs: 30_000,
      endedStreams: 1000,
      orphanCleanup: { minAgeMs: 7 * 24 * 3_600_000, intervalMs: 3_600_000 },
    });
    expect(Object.keys(config.wal)).toEqual(['dir']);
    expect(config.nodeId).toMatch(/^node-[0-9a-f-]{36}$/);
    expect(readFileSync(join(dir, 'node-id'), 'utf8').trim()).toBe(config.nodeId);
    expect(config.admin.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, 'admin-secret'), 'utf8').trim()).toBe(config.admin.secret);
    expect(statSync(join(dir, 'admin-secret')).mode & 0o777).toBe(0o600);
    expect(config.notices).toEqual([
      `created ${join(dir, 'node-id')} (mode 0600)`,
      `created ${join(dir, 'admin-secret')} (mode 0600)`,
    ]);
    expect(config.warnings).toEqual([]);
    expect(config.notices.join(' ')).not.toContain(config.admin.secret);
    expect(Object.isFrozen(config) && Object.isFrozen(config.limits) && Object.isFrozen(config.notices)).toBe(
      true,
    );
  });

  it('loadConfig writes nothing: prepareDataDir creates the directory and its files', () => {
    const dataDir = join(dir, 'new');
    const loaded = loadConfig(['--data-dir', dataDir], {});
    expect(loaded).toMatchObject({ dataDir, nodeId: undefined, admin: { secret: undefined } });
    expect(() => statSync(dataDir)).toThrow();
    const config = prepareDataDir(loaded);
    expect(readFileSync(join(dataDir, 'node-id'), 'utf8').trim()).toBe(config.nodeId);
    expect(readFileSync(join(dataDir, 'admin-secret'), 'utf8').trim()).toBe(config.admin.secret);
  });

  it('reads the same node id and admin secret on the next start, without notices', () => {
    const first = load(['--data-dir', dir], {});
    const second = load([`--data-dir=${dir}`], {});
    expect(second.nodeId).toBe(first.nodeId);
    expect(second.admin.secret).toBe(first.admin.secret);
    expect(second.notices).toEqual([]);
  });

  it('creates a missing data directory', () => {
    const config = load(['--data-dir', join(dir, 'a', 'b')], {});
    expect(statSync(join(dir, 'a', 'b', 'node-id')).isFile()).toBe(true);
    expect(config.dataDir).toBe(join(dir, 'a', 'b'));
  });

  it('takes the admin secret from the flag, the variable or a file, and creates no file then', () => {
    expect(load(['--data-dir', dir, '--admin-secret', SECRET], {}).admin).toMatchObject({
      secret: SECRET,
      secretFile: undefined,
    });
    expect(load(['--data-dir', dir], { LAKESTREAM_ADMIN_SECRET: SECRET }).admin.secret).toBe(SECRET);
    expect(() => statSync(join(dir, 'admin-secret'))).toThrow();
    const file = join(dir, 'secret.txt');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    const config = load(['--data-dir', dir, '--admin-secret-file', file], {});
    expect(config.admin).toMatchObject({ secret: SECRET, secretFile: file });
    expect(config.notices).toEqual([]);
  });

  it('creates the data directory 0700 and its files 0600 whatever the umask', () => {
    const umask = process.umask(0);
    try {
      const dataDir = join(dir, 'new', 'data');
      load(['--data-dir', dataDir], {});
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'node-id')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'admin-secret')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });

  it('warns of an existing data directory open to other users, with the command, and leaves it as it is', () => {
    chmodSync(dir, 0o755);
    const config = load(['--data-dir', dir], {});
    expect(config.warnings).toEqual([
      `the data directory ${dir} is open to other users (mode 0755), and it holds every acked record (the WAL), the catalog and the admin secret: run chmod 700 ${dir}`,
    ]);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    chmodSync(dir, 0o700);
    expect(load(['--data-dir', dir], {}).warnings).toEqual([]);
  });

  it('refuses an admin secret file other users may read, naming it, its mode and the chmod to run', () => {
    const file = join(dir, 'secret.txt');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const refusal = (f: string) =>
      `--admin-secret-file: ${f} is open to other users (mode 0644), and it holds the admin API's secret: run chmod 600 ${f}`;
    expect(problems(['--data-dir', dir, '--admin-secret-file', file])).toEqual([refusal(file)]);
    chmodSync(file, 0o640);
    expect(problems(['--data-dir', dir, '--admin-secret-file', file])[0]).toContain('(mode 0640)');
    // The generated one at the default path too, once someone opened it up.
    load(['--data-dir', dir], {});
    chmodSync(join(dir, 'admin-secret'), 0o644);
    expect(problems(['--data-dir', dir])).toEqual([refusal(join(dir, 'admin-secret'))]);
  });

  it('turns admin authentication off with --insecure-dev-admin, and says so', () => {
    const config = load(['--data-dir', dir, '--insecure-dev-admin'], {});
    expect(config.admin).toMatchObject({ secret: undefined, secretFile: undefined, insecure: true });
    expect(config.notices).toContain(
      'the admin API has no authentication (--insecure-dev-admin); never use this outside development',
    );
    expect(load(['--data-dir', dir], { LAKESTREAM_INSECURE_DEV_ADMIN: '1' }).admin.insecure).toBe(true);
  });

  it('limits each principal to a quarter of --max-streams unless --max-streams-per-principal says otherwise', () => {
    const limits = (argv: string[]) => load(['--data-dir', dir, ...argv], {}).limits;
    expect(limits(['--max-streams', '100']).maxStreamsPerPrincipal).toBe(25);
    expect(limits(['--max-streams', '3']).maxStreamsPerPrincipal).toBe(1);
    expect(limits(['--max-streams-per-principal', '7']).maxStreamsPerPrincipal).toBe(7);
  });

  it('passes only the WAL options that were set', () => {
    const config = load(
      [
        '--data-dir',
        dir,
        '--wal-group-commit-ms',
        '0',
        '--wal-segment-bytes=16MiB',
        '--wal-dir',
        join(dir, 'fast'),
      ],
      {},
    );
    expect(config.wal).toEqual({ dir: join(dir, 'fast'), segmentBytes: 16 * 1024 * 1024, groupCommitMs: 0 });
  });
});

describe('loadConfig: flags, variables and precedence', () => {
  it('takes a variable when no flag is given, and a flag over its variable', () => {
    const env = { LAKESTREAM_DATA_DIR: dir, LAKESTREAM_PORT: '6000', LAKESTREAM_LOG_LEVEL: 'debug' };
    const fromEnv = load([], env);
    expect(fromEnv.port).toBe(6000);
    expect(fromEnv.logLevel).toBe('debug');
    expect(fromEnv.dataDir).toBe(dir);
    const fromFlag = load(['--port', '7000', '--log-level=warn'], env);
    expect(fromFlag.port).toBe(7000);
    expect(fromFlag.logLevel).toBe('warn');
  });

  it('takes the orphan cleanup options (an interval of 0 turns it off)', () => {
    const config = load(['--data-dir', dir, '--orphan-file-age-ms', '60000'], {
      LAKESTREAM_ORPHAN_CLEANUP_INTERVAL_MS: '0',
    });
    expect(config.orphanCleanup).toEqual({ minAgeMs: 60_000, intervalMs: 0 });
  });

  it('treats an empty variable as unset', () => {
    expect(load(['--data-dir', dir], { LAKESTREAM_PORT: '' }).port).toBe(50051);
  });

  it('does not validate a variable its flag overrides', () => {
    expect(load(['--data-dir', dir, '--port', '1234'], { LAKESTREAM_PORT: 'abc' }).port).toBe(1234);
  });

  it.each([
    ['1048576', 1048576],
    ['64KiB', 64 * 1024],
    ['64k', 64 * 1024],
    ['10MiB', 10 * 1024 * 1024],
    ['10 MB', 10 * 1024 * 1024],
    ['1.5MiB', 1.5 * 1024 * 1024],
    ['1GiB', 1024 * 1024 * 1024],
  ])('reads the byte size %s', (text, value) => {
    expect(load(['--data-dir', dir, '--flush-bytes', text], {}).publish.flushBytes).toBe(value);
  });

  it('resolves relative paths against the working directory', () => {
    const config = load(['--data-dir', dir, '--provisioning-file', 'dev/catalog.json'], {});
    expect(config.provisioningFile).toBe(join(process.cwd(), 'dev/catalog.json'));
  });
});

describe('loadConfig: every refusal', () => {
  it.each<[string, string[], Record<string, string>, string]>([
    ['no data directory', [], {}, '--data-dir: required (or LAKESTREAM_DATA_DIR)'],
    ['an unknown flag', ['--prot', '1'], {}, '--prot: unknown option (see --help)'],
    [
      'a positional argument',
      ['serve'],
      {},
      "unexpected argument 'serve' (options start with --; see --help)",
    ],
    ['a flag without its value', ['--port'], {}, '--port: expected a value (an integer 0–65535)'],
    [
      'a flag followed by a flag',
      ['--port', '--host', 'x'],
      {},
      '--port: expected a value (an integer 0–65535)',
    ],
    ['a port that is not a number', ['--port', 'abc'], {}, "--port: expected an integer 0–65535, got 'abc'"],
    [
      'a port out of range',
      ['--admin-port', '70000'],
      {},
      "--admin-port: expected an integer 0–65535, got '70000'",
    ],
    [
      'a negative port',
      ['--metrics-port', '-1'],
      {},
      "--metrics-port: expected an integer 0–65535, got '-1'",
    ],
    [
      'an orphan-file age under a minute (what the node itself may take from a data file to its commit)',
      ['--orphan-file-age-ms', '1000'],
      {},
      "--orphan-file-age-ms: expected a duration in ms, an integer 60000–31536000000, got '1000'",
    ],
    [
      'a bad port in the environment',
      [],
      { LAKESTREAM_PORT: '5e3' },
      "LAKESTREAM_PORT: expected an integer 0–65535, got '5e3'",
    ],
    [
      'a bad host',
      ['--host', 'my host'],
      {},
      "--host: expected a host name or IP address to listen on (e.g. 127.0.0.1, ::1, 0.0.0.0), got 'my host'",
    ],
    [
      'a bad log level',
      ['--log-level', 'verbose'],
      {},
      "--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got 'verbose'",
    ],
    [
      'an unknown Parquet codec',
      ['--parquet-compression', 'gzip'],
      {},
      "--parquet-compression: expected one of snappy, zstd, none, got 'gzip'",
    ],
    ['zero streams', ['--max-streams', '0'], {}, "--max-streams: expected an integer 1–1000000, got '0'"],
    [
      'a bad byte size',
      ['--max-record-bytes', '12 parsecs'],
      {},
      "--max-record-bytes: expected a byte size up to 1GiB (e.g. 1048576, 64KiB, 10MiB, 1GiB), got '12 parsecs'",
    ],
    [
      'a byte size too small',
      ['--wal-segment-bytes', '1KiB'],
      {},
      "--wal-segment-bytes: expected a byte size 64KiB–64GiB (e.g. 1048576, 64KiB, 10MiB, 1GiB), got '1KiB'",
    ],
    [
      'a bad duration',
      ['--flush-ms', '1s'],
      {},
      "--flush-ms: expected a duration in ms, an integer 1–3600000, got '1s'",
    ],
    [
      'a short admin secret',
      ['--admin-secret', 'hunter2'],
      {},
      "--admin-secret: expected a secret of at least 16 characters without spaces, got 'hunter2'",
    ],
    [
      'a bad node id',
      ['--node-id', 'node one'],
      {},
      "--node-id: expected an id of 1–63 letters, digits, dots, dashes or underscores, got 'node one'",
    ],
    [
      'a bad switch value',
      [],
      { LAKESTREAM_INSECURE_DEV_ADMIN: 'maybe' },
      "LAKESTREAM_INSECURE_DEV_ADMIN: expected true or false, got 'maybe'",
    ],
    [
      'insecure admin on a public address',
      ['--insecure-dev-admin', '--admin-host', '0.0.0.0'],
      {},
      "--insecure-dev-admin: allowed only with a loopback --admin-host (127.0.0.1, ::1 or localhost), got '0.0.0.0'",
    ],
    [
      'insecure admin with a secret',
      ['--insecure-dev-admin', '--admin-secret', SECRET],
      {},
      '--insecure-dev-admin: cannot be combined with --admin-secret or --admin-secret-file',
    ],
    [
      'both secret sources',
      ['--admin-secret', SECRET, '--admin-secret-file', '/x'],
      {},
      '--admin-secret: give either --admin-secret or --admin-secret-file, not both',
    ],
    [
      'records larger than requests',
      ['--max-record-bytes', '20MiB'],
      {},
      '--max-request-bytes: must be at least --max-record-bytes (20MiB) so that one record fits in a request, got 10304KiB',
    ],
    [
      'requests larger than a stream budget',
      ['--stream-inflight-bytes', '1MiB'],
      {},
      '--stream-inflight-bytes: must be at least --max-request-bytes (10304KiB) so that one request fits in a stream, got 1MiB',
    ],
    [
      'a stream budget larger than the node budget',
      ['--node-inflight-bytes', '32MiB'],
      {},
      '--node-inflight-bytes: must be at least --stream-inflight-bytes (64MiB) so that one stream fits in the node, got 32MiB',
    ],
    [
      'two endpoints on one port',
      ['--metrics-port', '50051'],
      {},
      '--metrics-port: 50051 is already --port; each endpoint needs its own port',
    ],
  ])('%s', (_name, argv, env, expected) => {
    const withDir =
      argv.includes('--data-dir') || _name === 'no data directory' ? argv : ['--data-dir', dir, ...argv];
    expect(problems(withDir, env)).toContain(expected);
  });

  it('allows port 0 on several endpoints', () => {
    const config = load(['--data-dir', dir, '--port', '0', '--admin-port', '0', '--metrics-port', '0'], {});
    expect([config.port, config.admin.port, config.metrics.port]).toEqual([0, 0, 0]);
  });

  it('lists every problem at once, in one message', () => {
    const list = problems(['--port', 'abc', '--log-level', 'loud', '--bogus'], { LAKESTREAM_FLUSH_MS: '-5' });
    expect(list).toEqual([
      '--bogus: unknown option (see --help)',
      "--port: expected an integer 0–65535, got 'abc'",
      "--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got 'loud'",
      "LAKESTREAM_FLUSH_MS: expected a duration in ms, an integer 1–3600000, got '-5'",
      '--data-dir: required (or LAKESTREAM_DATA_DIR)',
    ]);
    try {
      load(['--port', 'abc'], {});
    } catch (error) {
      expect((error as Error).message).toBe(
        "invalid configuration:\n  --port: expected an integer 0–65535, got 'abc'\n  --data-dir: required (or LAKESTREAM_DATA_DIR)",
      );
    }
  });

  it('refuses an unusable data directory, a missing secret file and bad stored files', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(problems(['--data-dir', join(file, 'sub')])[0]).toMatch(
      new RegExp(`^--data-dir: cannot create '${join(file, 'sub')}': `),
    );
    expect(problems(['--data-dir', dir, '--admin-secret-file', join(dir, 'nope')])[0]).toMatch(
      new RegExp(`^--admin-secret-file: cannot read '${join(dir, 'nope')}': ENOENT`),
    );
    writeFileSync(join(dir, 'short'), 'abc\n', { mode: 0o600 });
    expect(problems(['--data-dir', dir, '--admin-secret-file', join(dir, 'short')])).toEqual([
      `--admin-secret-file: the file '${join(dir, 'short')}' should hold a secret of at least 16 characters without spaces`,
    ]);
    writeFileSync(join(dir, 'node-id'), 'has spaces in it\n');
    expect(problems(['--data-dir', dir])).toEqual([
      `--node-id: the file '${join(dir, 'node-id')}' should hold an id of 1–63 letters, digits, dots, dashes or underscores`,
    ]);
  });
});

describe('documentation', () => {
  it('README-config.md holds the table of every option, as the code declares them', () => {
    const readme = readFileSync(new URL('../README-config.md', import.meta.url), 'utf8');
    expect(readme).toContain(formatConfigTable());
    for (const o of Object.values(CONFIG_OPTIONS)) expect(readme).toContain(`\`${o.env}\``);
  });

  it('--help lists every flag and variable', () => {
    const help = formatConfigHelp();
    for (const o of Object.values(CONFIG_OPTIONS)) {
      expect(help).toContain(o.flag);
      expect(help).toContain(o.env);
    }
  });
});
