import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ServiceError } from '@grpc/grpc-js';
import { createAdminClient } from '../admin/admin-client.js';
import type { HeldEntryMessage } from '../admin/admin-proto.js';
import { CONFIG_OPTIONS, readOption } from '../config.js';

/** `lakestream-ingest held --help`. */
export const HELD_HELP = `lakestream-ingest held <list | discard | quarantine> [which] [connection]

Acked WAL entries a node could not publish (their table is no longer provisioned, or their records no longer
fit it) are held: kept in the WAL, reported by /healthz, the lakestream_held_entries metric and the log, and
never trimmed, until an operator decides here. The node must be running; this talks to its admin API.

  list                  the held entries (position, table, stream, offset, records, reason)
  discard               drop the chosen entries: their records will never reach a table
  quarantine            commit the chosen entries' records, raw, to the node's quarantine Delta table
                        (<data-dir>/quarantine: source_table, wal_position, stream_id, persistent,
                        stream_offset, record_index, format, record, reason, held_at,
                        quarantined_at), then drop them from the WAL

which (discard, quarantine; exactly one):
  --position <n>        a held WAL position (repeat for several)
  --table <name>        every held entry of this table
  --all                 every held entry

connection (flags, then LAKESTREAM_* variables, as for the node):
  --admin-host <host>   default ${CONFIG_OPTIONS.adminHost.defaultDoc}          (${CONFIG_OPTIONS.adminHost.env})
  --admin-port <port>   default ${CONFIG_OPTIONS.adminPort.defaultDoc}              (${CONFIG_OPTIONS.adminPort.env})
  --admin-secret-file   default <data-dir>/admin-secret (LAKESTREAM_ADMIN_SECRET_FILE;
                        or the secret itself in LAKESTREAM_ADMIN_SECRET)
  --data-dir <dir>      where the default secret file is (LAKESTREAM_DATA_DIR)
  --json                print the answer as JSON
`;

/** Runs `lakestream-ingest held …` and returns the process exit code (0 done, 1 refused or failed, 2 usage). */
export async function runHeldCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    err(`${(error as Error).message}\n\n${HELD_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    out(HELD_HELP);
    return 0;
  }
  const verb = positionals[0];
  if (verb !== 'list' && verb !== 'discard' && verb !== 'quarantine') {
    err(
      `expected list, discard or quarantine, got ${verb === undefined ? 'nothing' : `'${verb}'`}\n\n${HELD_HELP}`,
    );
    return 2;
  }
  const positions = (values.position ?? []).map((p) => p.trim());
  const bad = positions.filter((p) => !/^\d+$/.test(p));
  if (bad.length > 0) {
    err(`--position: expected a WAL position (a whole number), got ${bad.map((b) => `'${b}'`).join(', ')}\n`);
    return 2;
  }
  const which = [positions.length > 0, values.table !== undefined, values.all === true].filter(
    Boolean,
  ).length;
  if (verb !== 'list' && which !== 1) {
    err(`held ${verb}: name the entries with exactly one of --position, --table, --all\n`);
    return 2;
  }
  let host: string;
  let port: number;
  let secret: string;
  try {
    host = readOption(CONFIG_OPTIONS.adminHost, values['admin-host'], env)!;
    port = readOption(CONFIG_OPTIONS.adminPort, values['admin-port'], env)!;
    secret = await readSecret(values, env);
  } catch (error) {
    err(`${(error as Error).message}\n`);
    return 2;
  }
  const client = createAdminClient(`${host.includes(':') ? `[${host}]` : host}:${port}`, secret);
  try {
    if (verb === 'list') {
      const answer = await client.listHeld();
      out(values.json === true ? `${JSON.stringify(answer, null, 2)}\n` : formatHeld(answer.entries));
      return 0;
    }
    const answer = await client.resolveHeld(
      verb === 'discard' ? 'HELD_ACTION_DISCARD' : 'HELD_ACTION_QUARANTINE',
      positions.length > 0
        ? { positions: positions.map(BigInt) }
        : values.table !== undefined
          ? { table: values.table }
          : { all: true },
    );
    if (values.json === true) out(`${JSON.stringify(answer, null, 2)}\n`);
    else if (verb === 'discard')
      out(`discarded ${answer.resolved.length} held entries:\n${formatHeld(answer.resolved)}`);
    else
      out(
        `published ${answer.quarantined_records} records of ${answer.resolved.length} held entries to the quarantine table ${answer.quarantine_table}:\n${formatHeld(answer.resolved)}`,
      );
    return 0;
  } catch (error) {
    const e = error as Partial<ServiceError>;
    err(`held ${verb} failed: ${e.details ?? e.message ?? String(error)} (admin API at ${host}:${port})\n`);
    return 1;
  } finally {
    client.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      position: { type: 'string', multiple: true },
      table: { type: 'string' },
      all: { type: 'boolean' },
      'admin-host': { type: 'string' },
      'admin-port': { type: 'string' },
      'admin-secret-file': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function readSecret(
  values: ReturnType<typeof parse>['values'],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (values['admin-secret-file'] === undefined && env.LAKESTREAM_ADMIN_SECRET)
    return env.LAKESTREAM_ADMIN_SECRET.trim();
  const dataDir = values['data-dir'] ?? env.LAKESTREAM_DATA_DIR;
  const file =
    values['admin-secret-file'] ??
    env.LAKESTREAM_ADMIN_SECRET_FILE ??
    (dataDir === undefined ? undefined : join(dataDir, 'admin-secret'));
  if (file === undefined)
    throw new Error(
      'the admin secret: give --data-dir (its admin-secret file), --admin-secret-file, or LAKESTREAM_ADMIN_SECRET',
    );
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new Error(`cannot read the admin secret file ${file}: ${(error as Error).message}`);
  }
}

/** The entries as an aligned text table (or a line saying there are none). */
function formatHeld(entries: readonly HeldEntryMessage[]): string {
  if (entries.length === 0) return 'no held entries\n';
  const rows = [
    ['position', 'table', 'stream', 'offset', 'records', 'held at', 'reason'],
    ...entries.map((e) => [
      String(e.position),
      e.table,
      e.stream_id,
      String(e.offset),
      String(e.records),
      new Date(Number(e.held_at_ms)).toISOString(),
      e.reason,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
