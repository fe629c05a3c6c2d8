import type { IngestNodeConfig } from '../../env';

/** An ingest node the console knows: one of the static list, or one registered by heartbeat. */
export interface KnownNode extends IngestNodeConfig {
  /** Learned from `discover` (registered by heartbeat), not from the static list. */
  readonly registered: boolean;
  /** The id the node registered with; undefined for a static node (its GetStatus says it). */
  readonly nodeId?: string | undefined;
  /** The gRPC endpoint (`host:port`) the node advertises to producers; undefined for a static node. */
  readonly endpoint?: string | undefined;
}

/** A node `discover` found: its admin address and secret, its id and advertised endpoint. */
export type DiscoveredNode = Omit<KnownNode, 'registered'>;

/** Where the console's nodes come from: the provisioner and the stream sampler take the same one. */
export interface NodeSource {
  /** The static list (`LAKESTREAM_INGEST_NODES`). */
  readonly nodes: readonly IngestNodeConfig[];
  /**
   * Nodes learned at run time (registered by heartbeat), re-read at each `refresh`: a new one is added like
   * a static node, one no longer listed is forgotten. A failing read keeps the last list.
   */
  readonly discover?: (() => Promise<readonly DiscoveredNode[]>) | undefined;
}

/** The nodes one consumer (provisioner, sampler) works on, each with that consumer's own entry. */
export interface NodeRoster<E> {
  /** The entries now: the static nodes first, in their order, then the registered ones as found. */
  entries(): readonly E[];
  /** Re-reads `discover` (nothing without it): adds entries for new nodes, forgets those gone. */
  refresh(): Promise<void>;
  /** Whether nodes may join later (`discover` given): an empty roster is then worth sampling still. */
  readonly dynamic: boolean;
}

/** What `createNodeRoster` needs besides the source. */
export interface NodeRosterOptions<E> extends NodeSource {
  /** The consumer's entry for a node it did not know. */
  readonly open: (node: KnownNode) => E;
  /** Called once for an entry whose node is no longer listed (close its client). */
  readonly forget: (entry: E) => void;
  readonly log?: ((message: string, details: Record<string, unknown>) => void) | undefined;
}

/** A registered node is the same node while its id and admin address are (a new id there is a new node). */
const keyOf = (n: DiscoveredNode) => `${n.nodeId ?? ''}@${n.address}`;

/**
 * The static nodes plus those `discover` lists (a registered node at a static node's admin address stays that
 * static node). The one place that merges the two lists; `refresh` must not run concurrently with itself (each
 * consumer serialises its rounds).
 */
export function createNodeRoster<E>(options: NodeRosterOptions<E>): NodeRoster<E> {
  const log = options.log ?? (() => {});
  interface Slot {
    readonly node: KnownNode;
    readonly entry: E;
  }
  const fixed = new Set(options.nodes.map((n) => n.address));
  let slots: Slot[] = options.nodes.map((config) => {
    const node: KnownNode = { ...config, registered: false };
    return { node, entry: options.open(node) };
  });
  return {
    entries: () => slots.map((s) => s.entry),
    dynamic: options.discover !== undefined,
    async refresh() {
      if (options.discover === undefined) return;
      let found: readonly DiscoveredNode[];
      try {
        found = (await options.discover()).filter((n) => !fixed.has(n.address));
      } catch (error) {
        log('could not read the registered ingest nodes; keeping the last list', { error: String(error) });
        return;
      }
      const listed = new Set(found.map(keyOf));
      const kept = (s: Slot) => !s.node.registered || listed.has(keyOf(s.node));
      for (const gone of slots.filter((s) => !kept(s))) options.forget(gone.entry);
      const known = new Set(slots.map((s) => keyOf(s.node)));
      slots = [
        ...slots.filter(kept),
        ...found
          .filter((n) => !known.has(keyOf(n)))
          .map((n) => {
            const node: KnownNode = { ...n, registered: true };
            return { node, entry: options.open(node) };
          }),
      ];
    },
  };
}
