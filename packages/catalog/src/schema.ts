import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/*
 * The catalog's tables, the one schema of both engines: `toPostgresTables` (db/postgres-tables.ts) derives
 * the `drizzle-orm/pg-core` twins (see README, "PostgreSQL"). Only portable column types are used: text,
 * integer (timestamps are integer milliseconds since the epoch: `bigint` in PostgreSQL), booleans as integer
 * 0/1 (`boolean` in PostgreSQL), JSON as text. Names are snake_case in SQL, every constraint and index is named, and check constraints use plain SQL that both engines
 * accept. Ids are text (random UUIDs) except the audit log's sequence number.
 *
 * This file imports nothing relative: drizzle-kit loads it on its own to generate migrations.
 */

/** Catalogs: the first part of `catalog.schema.table`. */
export const Catalogs = sqliteTable(
  'catalogs',
  {
    id: text('id').primaryKey(),
    /** Lower-case identifier, unique. */
    name: text('name').notNull(),
    comment: text('comment'),
    /** Where new tables of this catalog go (`<storageRoot>/<catalog>/<schema>/<table>`); null: the default. */
    storageRoot: text('storage_root'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('catalogs_name_unique').on(t.name)],
);

/** Schemas: the second part, unique by name within their catalog. */
export const Schemas = sqliteTable(
  'schemas',
  {
    id: text('id').primaryKey(),
    catalogId: text('catalog_id')
      .notNull()
      .references(() => Catalogs.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    comment: text('comment'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('schemas_catalog_name_unique').on(t.catalogId, t.name)],
);

/** Tables: the third part, unique by name within their schema. The columns live in `Columns`. */
export const Tables = sqliteTable(
  'tables',
  {
    id: text('id').primaryKey(),
    schemaId: text('schema_id')
      .notNull()
      .references(() => Schemas.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    comment: text('comment'),
    /** The Delta table's directory or URL; two tables never share one. */
    storageLocation: text('storage_location').notNull(),
    /** Delta table properties (`delta.appendOnly`, …): a JSON object of strings. */
    properties: text('properties').notNull().default('{}'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('tables_schema_name_unique').on(t.schemaId, t.name),
    uniqueIndex('tables_location_unique').on(t.storageLocation),
  ],
);

/**
 * The top-level columns of a table, in order. A column's Delta type is JSON (`"long"`, `{"type":"struct",…}`),
 * so nested structs, arrays and maps round-trip whole, with their fields' nullability and metadata.
 * `nameKey` is the lower-cased name: Delta column names are unique case-insensitively.
 */
export const Columns = sqliteTable(
  'columns',
  {
    tableId: text('table_id')
      .notNull()
      .references(() => Tables.id, { onDelete: 'cascade' }),
    position: integer('position', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    /** The Delta type as JSON. */
    type: text('type').notNull(),
    nullable: integer('nullable', { mode: 'boolean' }).notNull(),
    comment: text('comment'),
  },
  (t) => [
    primaryKey({ name: 'columns_pk', columns: [t.tableId, t.position] }),
    uniqueIndex('columns_table_name_unique').on(t.tableId, t.nameKey),
  ],
);

/**
 * The versions of a table's schema: version 1 as created, one more for every change (columns added). Each
 * row holds the whole list of top-level columns at that version (JSON, as `Columns` holds them one by one),
 * who made it and when, so the console can show any version and the difference between two.
 */
export const TableSchemaVersions = sqliteTable(
  'table_schema_versions',
  {
    tableId: text('table_id')
      .notNull()
      .references(() => Tables.id, { onDelete: 'cascade' }),
    version: integer('version', { mode: 'number' }).notNull(),
    /** The columns at this version: a JSON array of `{name, type, nullable, comment?}`. */
    columns: text('columns').notNull(),
    /** What made this version: `create` or `add_columns`. */
    change: text('change').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ name: 'table_schema_versions_pk', columns: [t.tableId, t.version] })],
);

/** Principals: users (with a console role) and service principals (producers; no role). */
export const Principals = sqliteTable(
  'principals',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['user', 'service'] }).notNull(),
    /** Display name; unique. For users, usually their e-mail address. */
    name: text('name').notNull(),
    /** Console role of a user; null for a service principal. */
    role: text('role', { enum: ['admin', 'editor', 'viewer'] }),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('principals_name_unique').on(t.name),
    check('principals_kind_check', sql`${t.kind} in ('user', 'service')`),
    check(
      'principals_role_check',
      sql`(${t.kind} = 'user' and ${t.role} in ('admin', 'editor', 'viewer')) or (${t.kind} = 'service' and ${t.role} is null)`,
    ),
  ],
);

/**
 * Grants of one privilege on one securable to one principal. The securable is `(securableType, securableId)`
 * (the id of a catalog, schema or table): a polymorphic reference without a foreign key, so dropping a
 * securable deletes its grants in the same transaction (see tables.ts).
 */
export const Grants = sqliteTable(
  'grants',
  {
    id: text('id').primaryKey(),
    principalId: text('principal_id')
      .notNull()
      .references(() => Principals.id, { onDelete: 'cascade' }),
    privilege: text('privilege', {
      enum: ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE'],
    }).notNull(),
    securableType: text('securable_type', { enum: ['catalog', 'schema', 'table'] }).notNull(),
    securableId: text('securable_id').notNull(),
    grantedBy: text('granted_by').notNull(),
    grantedAt: integer('granted_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('grants_unique').on(t.principalId, t.privilege, t.securableType, t.securableId),
    index('grants_securable_index').on(t.securableType, t.securableId),
    check(
      'grants_privilege_check',
      sql`${t.privilege} in ('USE_CATALOG', 'USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE')`,
    ),
    check('grants_securable_type_check', sql`${t.securableType} in ('catalog', 'schema', 'table')`),
  ],
);

/**
 * OAuth client credentials of a principal. `id` is the client id; the secret is stored only as a slow hash
 * (`scrypt$…`, see secret-hash.ts) and shown once, when created or rotated.
 */
export const Credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    principalId: text('principal_id')
      .notNull()
      .references(() => Principals.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['oauth_client'] })
      .notNull()
      .default('oauth_client'),
    secretHash: text('secret_hash').notNull(),
    /** The last four characters of the secret, to tell secrets apart in the console. */
    secretHint: text('secret_hint').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'number' }),
    rotatedAt: integer('rotated_at', { mode: 'number' }),
    revokedAt: integer('revoked_at', { mode: 'number' }),
    revokedBy: text('revoked_by'),
    lastUsedAt: integer('last_used_at', { mode: 'number' }),
    lastUsedFrom: text('last_used_from'),
  },
  (t) => [
    index('credentials_principal_index').on(t.principalId),
    check('credentials_kind_check', sql`${t.kind} in ('oauth_client')`),
  ],
);

/**
 * Every change to the catalog: who (`actorId`), what (`action` on `targetType` `target`, with `details` JSON),
 * when (`at`, ms) and from where (`fromAddress`, the client's address). `id` is a sequence (an identity column
 * in PostgreSQL). `actorId` is deliberately not a foreign key: the log outlives principals.
 */
export const AuditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id', { mode: 'number' }).primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'number' }).notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    target: text('target').notNull(),
    details: text('details').notNull().default('{}'),
    fromAddress: text('from_address'),
    /** The provisioning version this change produced. */
    catalogVersion: integer('catalog_version', { mode: 'number' }).notNull(),
  },
  (t) => [index('audit_log_at_index').on(t.at), index('audit_log_target_index').on(t.targetType, t.target)],
);

/**
 * One row (`id` = 1): the provisioning version, bumped by every change in the change's own transaction. Ingest
 * nodes refuse a snapshot whose version is not above the one they hold, so it only ever grows.
 */
export const CatalogVersion = sqliteTable(
  'catalog_version',
  {
    id: integer('id', { mode: 'number' }).primaryKey(),
    version: integer('version', { mode: 'number' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [check('catalog_version_single_row', sql`${t.id} = 1`)],
);

/**
 * Streams that ended on the ingest nodes, as the console read them from each node's admin `ListEndedStreams`
 * (history kept for `LAKESTREAM_STREAM_HISTORY_DAYS`, pruned by `endedAt`). A node numbers its ended streams
 * 1, 2, … from its start (`nodeStartedAt`): `(node, nodeStartedAt, seq)` is unique, so reading a stream
 * twice stores it once. `principalId`/`credentialId` are plain text: the history outlives them.
 */
export const StreamHistory = sqliteTable(
  'stream_history',
  {
    id: integer('id', { mode: 'number' }).primaryKey({ autoIncrement: true }),
    /** The node's admin address, as `LAKESTREAM_INGEST_NODES` names it. */
    node: text('node').notNull(),
    nodeStartedAt: integer('node_started_at', { mode: 'number' }).notNull(),
    seq: integer('seq', { mode: 'number' }).notNull(),
    streamId: text('stream_id').notNull(),
    kind: text('kind').notNull(),
    /** Empty when the stream ended before naming a table. */
    tableName: text('table_name').notNull(),
    principalId: text('principal_id').notNull(),
    credentialId: text('credential_id').notNull(),
    startedAt: integer('started_at', { mode: 'number' }).notNull(),
    endedAt: integer('ended_at', { mode: 'number' }).notNull(),
    records: integer('records', { mode: 'number' }).notNull(),
    bytes: integer('bytes', { mode: 'number' }).notNull(),
    /** Decimal text (an int64); -1 when nothing was acked. */
    ackedOffset: text('acked_offset').notNull(),
    /** The gRPC status code name it ended with (`OK`, `INVALID_ARGUMENT`, …) and its message. */
    status: text('status').notNull(),
    message: text('message').notNull(),
  },
  (t) => [
    uniqueIndex('stream_history_node_seq_index').on(t.node, t.nodeStartedAt, t.seq),
    index('stream_history_ended_at_index').on(t.endedAt),
    index('stream_history_table_index').on(t.tableName, t.endedAt),
    index('stream_history_credential_index').on(t.credentialId, t.endedAt),
  ],
);

/**
 * Ingest nodes that registered with the control plane by heartbeat (`--control-plane-url`), one row per node
 * id, holding its last beat. Kept in the catalog so that a console restart or a second console instance sees
 * the same nodes. Nodes of the static list (`LAKESTREAM_INGEST_NODES`) are not stored here.
 */
export const IngestNodes = sqliteTable(
  'ingest_nodes',
  {
    nodeId: text('node_id').primaryKey(),
    /** Where producers reach it (`--advertise-address`, `host:port` of the ingest gRPC port). */
    endpoint: text('endpoint').notNull(),
    /** `host:port` of its admin API, as the console dials it. */
    adminAddress: text('admin_address').notNull(),
    /** The node's software version. */
    version: text('version').notNull(),
    /** When the node process started (ms since the epoch): a new value is a restart. */
    startedAt: integer('started_at', { mode: 'number' }).notNull(),
    /** The first beat ever received from this node id. */
    registeredAt: integer('registered_at', { mode: 'number' }).notNull(),
    /** The last beat received (console clock). */
    lastBeatAt: integer('last_beat_at', { mode: 'number' }).notNull(),
    /** The node's beat interval (ms): missed beats are counted in it. */
    beatMs: integer('beat_ms', { mode: 'number' }).notNull(),
    streams: integer('streams', { mode: 'number' }).notNull(),
    bytesPerSecond: integer('bytes_per_second', { mode: 'number' }).notNull(),
    memoryUsedBytes: integer('memory_used_bytes', { mode: 'number' }).notNull(),
    memoryBudgetBytes: integer('memory_budget_bytes', { mode: 'number' }).notNull(),
    /** Acked WAL bytes not yet published to Delta. */
    walBacklogBytes: integer('wal_backlog_bytes', { mode: 'number' }).notNull(),
    /** `serving`, `draining` or `drained` (draining, no live stream, nothing left to publish). */
    state: text('state').notNull(),
  },
  (t) => [index('ingest_nodes_last_beat_index').on(t.lastBeatAt)],
);

/** The load each heartbeat reported, for the Nodes page's charts (pruned with the nodes' retention). */
export const IngestNodeLoad = sqliteTable(
  'ingest_node_load',
  {
    id: integer('id', { mode: 'number' }).primaryKey({ autoIncrement: true }),
    nodeId: text('node_id').notNull(),
    at: integer('at', { mode: 'number' }).notNull(),
    streams: integer('streams', { mode: 'number' }).notNull(),
    bytesPerSecond: integer('bytes_per_second', { mode: 'number' }).notNull(),
    memoryUsedBytes: integer('memory_used_bytes', { mode: 'number' }).notNull(),
    walBacklogBytes: integer('wal_backlog_bytes', { mode: 'number' }).notNull(),
  },
  (t) => [index('ingest_node_load_node_at_index').on(t.nodeId, t.at)],
);

/**
 * The console's chart history (`metric-history.ts`): one row per series and minute, downsampled on write by
 * the control plane from its 1 s samplings, so that charts reach back 24 hours and more across console
 * restarts. Counts are summed over the minute (divide by `spanMs` for a rate); gauges are the minute's
 * largest value, null when no sampling had one. Pruned by age (`pruneMetricHistory`).
 */
export const MetricHistory = sqliteTable(
  'metric_history',
  {
    /** `total`, `table`, `stream` or `node`. */
    kind: text('kind', { enum: ['total', 'table', 'stream', 'node'] }).notNull(),
    /** The series within its kind: '' (total), a table name, `<node address>/<stream id>`, a node address. */
    seriesKey: text('series_key').notNull(),
    /** The table of a table or stream series ('' for the others), to read one table's series at once. */
    tableName: text('table_name').notNull(),
    /** Start of the bucket (ms since the epoch, console clock), a multiple of `resolutionMs`. */
    at: integer('at', { mode: 'number' }).notNull(),
    resolutionMs: integer('resolution_ms', { mode: 'number' }).notNull(),
    /** The time the bucket's samplings cover (ms): rates are counts over it. */
    spanMs: integer('span_ms', { mode: 'number' }).notNull(),
    records: integer('records', { mode: 'number' }).notNull(),
    bytes: integer('bytes', { mode: 'number' }).notNull(),
    errors: integer('errors', { mode: 'number' }).notNull(),
    ackP99Ms: integer('ack_p99_ms', { mode: 'number' }),
    /** The oldest acked-but-unpublished record's age (ms). */
    publishLagMs: integer('publish_lag_ms', { mode: 'number' }),
    /** Ack → visible in Delta (ms), the nodes' p99. */
    timeToTableMs: integer('time_to_table_ms', { mode: 'number' }),
    /** Acked bytes not yet published. */
    walBacklogBytes: integer('wal_backlog_bytes', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ name: 'metric_history_pk', columns: [t.kind, t.seriesKey, t.resolutionMs, t.at] }),
    index('metric_history_at_index').on(t.at),
    index('metric_history_table_index').on(t.tableName, t.at),
  ],
);

/**
 * Alert rules the console evaluates (`apps/web` `server/alerts/`): a condition (`kind`, optional `target`,
 * `threshold`; see alert-kinds.ts) that fires once it has held for `forSeconds`, and an optional webhook the
 * console POSTs each firing and resolution to. The last webhook delivery's outcome is kept on the rule.
 */
export const AlertRules = sqliteTable(
  'alert_rules',
  {
    id: text('id').primaryKey(),
    /** Unique, as typed (trimmed). */
    name: text('name').notNull(),
    kind: text('kind', {
      enum: ['publish_lag', 'errors_per_sec', 'node_unreachable', 'credential_expiring'],
    }).notNull(),
    /** The table, node or credential watched; null: any (the worst one counts). */
    target: text('target'),
    threshold: integer('threshold', { mode: 'number' }).notNull(),
    forSeconds: integer('for_seconds', { mode: 'number' }).notNull(),
    /** Where firings and resolutions are POSTed (http or https); null: none. */
    webhookUrl: text('webhook_url'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at', { mode: 'number' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
    /** The last webhook attempt (ms), its error (null: delivered), and the last successful delivery. */
    deliveryAttemptAt: integer('delivery_attempt_at', { mode: 'number' }),
    deliveryError: text('delivery_error'),
    deliveredAt: integer('delivered_at', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('alert_rules_name_unique').on(t.name),
    check(
      'alert_rules_kind_check',
      sql`${t.kind} in ('publish_lag', 'errors_per_sec', 'node_unreachable', 'credential_expiring')`,
    ),
  ],
);

/**
 * Alert transitions, newest last: a rule started `firing` or was `resolved`, with the value then (a number as
 * text), what it was about (`subject`: the table, node or credential), and since when the condition held.
 * The rule's name and kind are copied: the history outlives the rule.
 */
export const AlertEvents = sqliteTable(
  'alert_events',
  {
    id: integer('id', { mode: 'number' }).primaryKey({ autoIncrement: true }),
    ruleId: text('rule_id').notNull(),
    ruleName: text('rule_name').notNull(),
    kind: text('kind').notNull(),
    state: text('state', { enum: ['firing', 'resolved'] }).notNull(),
    subject: text('subject'),
    value: text('value').notNull(),
    threshold: integer('threshold', { mode: 'number' }).notNull(),
    /** When the condition started holding (firing) or the alert started firing (resolved). */
    since: integer('since', { mode: 'number' }).notNull(),
    at: integer('at', { mode: 'number' }).notNull(),
  },
  (t) => [index('alert_events_at_index').on(t.at), index('alert_events_rule_index').on(t.ruleId, t.at)],
);
