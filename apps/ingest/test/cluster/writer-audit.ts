/*
 * Who wrote a shared table, from the outside: the `txn` appIds of its Delta log (each writer's identity, see
 * src/publish/txn-app-id.ts) and where each persistent stream was served (the nodes' own log lines).
 */

/** `<nodeId>:<incarnation>:<table>`: a node's publishes to a table (16 hex digits of WAL incarnation). */
const TABLE_APP_ID = /^(.+):([0-9a-f]{16}):([^:]+)$/;

/** One table's appIds with their last `txn.version` (`DeltaLog.txns`). */
export interface TableWriters {
  readonly table: string;
  readonly txns: ReadonlyMap<string, bigint>;
}

/** What the appIds say: every one seen, and everything wrong in words. */
export interface WriterAudit {
  readonly appIds: readonly string[];
  readonly failures: readonly string[];
}

/**
 * Checks the appIds of `tables`: each names the table it is in and one of `nodeIds`; each node writes under
 * one incarnation only (a restart on its data directory keeps its WAL, hence its identity), and no two nodes
 * share one — so no writer can take another's `txn` for its own. (That each appId's versions only grow is
 * `readDeltaLog`'s check.)
 */
export function auditWriters(tables: readonly TableWriters[], nodeIds: readonly string[]): WriterAudit {
  const failures: string[] = [];
  const appIds: string[] = [];
  const incarnations = new Map<string, Set<string>>();
  for (const { table, txns } of tables)
    for (const appId of txns.keys()) {
      appIds.push(appId);
      const m = TABLE_APP_ID.exec(appId);
      if (m === null) {
        failures.push(`${table}: appId ${appId} is not <nodeId>:<incarnation>:<table>`);
        continue;
      }
      const [, nodeId, incarnation, named] = m as unknown as [string, string, string, string];
      if (named !== table) failures.push(`${table}: appId ${appId} names another table`);
      if (!nodeIds.includes(nodeId)) failures.push(`${table}: appId ${appId} is of no node of the cluster`);
      const seen = incarnations.get(nodeId) ?? new Set();
      incarnations.set(nodeId, seen.add(incarnation));
    }
  for (const [nodeId, seen] of incarnations)
    if (seen.size > 1)
      failures.push(`node ${nodeId} wrote under ${seen.size} incarnations: ${[...seen].join(', ')}`);
  const all = [...incarnations.values()].flatMap((s) => [...s]);
  if (new Set(all).size !== all.length) failures.push(`two nodes share an incarnation: ${all.join(', ')}`);
  return { appIds, failures };
}

/** A node's log lines (JSON objects, as `ChildNode.lines`), under the name the test gave the node. */
export interface NodeLog {
  readonly name: string;
  readonly lines: readonly Record<string, unknown>[];
}

/**
 * How many times a persistent stream was resumed on another node than the one that served it last: from
 * every node's "stream opened" (a persistent create) and "persistent stream resumed" lines, in time order.
 * Pass every run of a restarted node.
 */
export function resumesOnAnotherNode(logs: readonly NodeLog[]): number {
  const events = logs.flatMap(({ name, lines }) =>
    lines.flatMap((l) => {
      const opened = l.msg === 'stream opened' && l.kind === 'persistent';
      if (!opened && l.msg !== 'persistent stream resumed') return [];
      return [{ node: name, streamId: String(l.streamId), time: Date.parse(String(l.time)) }];
    }),
  );
  events.sort((a, b) => a.time - b.time);
  const lastNode = new Map<string, string>();
  let moved = 0;
  for (const e of events) {
    const before = lastNode.get(e.streamId);
    if (before !== undefined && before !== e.node) moved++;
    lastNode.set(e.streamId, e.node);
  }
  return moved;
}
