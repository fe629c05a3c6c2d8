import { describe, expect, it } from 'vitest';
import { createNodeRoster, type DiscoveredNode, type KnownNode } from './known-nodes';

/** A roster whose entries are the nodes themselves, `discover` answering from `registered` (or throwing). */
function rosterOver(registered: { now: DiscoveredNode[] | Error }) {
  const forgotten: KnownNode[] = [];
  const logged: string[] = [];
  const roster = createNodeRoster<KnownNode>({
    nodes: [{ address: 'static:1', secretFile: '/s' }],
    discover: async () => {
      if (registered.now instanceof Error) throw registered.now;
      return registered.now;
    },
    open: (node) => node,
    forget: (node) => forgotten.push(node),
    log: (message) => logged.push(message),
  });
  return { roster, forgotten, logged };
}

const nodeA = { address: 'a:2', secretFile: '/n', nodeId: 'node-a', endpoint: 'a:1' };

describe('createNodeRoster', () => {
  it('adds a node that joins after the static ones, forgets it once when it leaves', async () => {
    const registered: { now: DiscoveredNode[] | Error } = { now: [] };
    const { roster, forgotten } = rosterOver(registered);
    expect(roster.entries()).toEqual([{ address: 'static:1', secretFile: '/s', registered: false }]);
    registered.now = [nodeA];
    await roster.refresh();
    await roster.refresh();
    expect(roster.entries().map((n) => [n.address, n.nodeId, n.endpoint, n.registered])).toEqual([
      ['static:1', undefined, undefined, false],
      ['a:2', 'node-a', 'a:1', true],
    ]);
    registered.now = [];
    await roster.refresh();
    await roster.refresh();
    expect(roster.entries().map((n) => n.address)).toEqual(['static:1']);
    expect(forgotten.map((n) => n.nodeId)).toEqual(['node-a']);
  });

  it('keeps a static node as such when a registration names its address; a new id at an address is a new node', async () => {
    const registered: { now: DiscoveredNode[] | Error } = {
      now: [{ ...nodeA, address: 'static:1' }, nodeA],
    };
    const { roster, forgotten } = rosterOver(registered);
    await roster.refresh();
    expect(roster.entries().map((n) => [n.address, n.registered])).toEqual([
      ['static:1', false],
      ['a:2', true],
    ]);
    registered.now = [{ ...nodeA, nodeId: 'node-a2' }];
    await roster.refresh();
    expect(roster.entries().map((n) => n.nodeId)).toEqual([undefined, 'node-a2']);
    expect(forgotten.map((n) => n.nodeId)).toEqual(['node-a']);
  });

  it('keeps the last list when the registrations cannot be read, and says so', async () => {
    const registered: { now: DiscoveredNode[] | Error } = { now: [nodeA] };
    const { roster, forgotten, logged } = rosterOver(registered);
    await roster.refresh();
    registered.now = new Error('database is locked');
    await roster.refresh();
    expect(roster.entries().map((n) => n.address)).toEqual(['static:1', 'a:2']);
    expect(forgotten).toEqual([]);
    expect(logged).toEqual(['could not read the registered ingest nodes; keeping the last list']);
  });

  it('is static without `discover`', async () => {
    const roster = createNodeRoster({ nodes: [], open: (node) => node, forget: () => {} });
    await roster.refresh();
    expect(roster.entries()).toEqual([]);
    expect(roster.dynamic).toBe(false);
  });
});
