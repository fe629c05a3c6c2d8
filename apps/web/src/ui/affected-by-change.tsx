'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc';

/** Whether table `table` is `scope` or lies inside it (`main` holds `main.sales.orders`); every table without a scope. */
function inScope(table: string, scope: string | undefined): boolean {
  return scope === undefined || table === scope || table.startsWith(`${scope}.`);
}

/**
 * The live streams of principal `principalId` (every principal's, when not given) to tables in `scope` (every
 * table, when not given) that a change may cut, as the console's last sampling of the nodes knows them:
 * `lead` (what happens to them, e.g. "These end:") over the list of table and node, or that it sees none.
 */
export function LiveStreamsAffected({
  principalId,
  scope,
  lead,
}: {
  principalId?: string;
  scope?: string;
  lead: string;
}) {
  const trpc = useTRPC();
  const live = useQuery(trpc.streams.live.queryOptions({ windowSeconds: 60 }));
  if (live.data === undefined) {
    return <p className="text-zinc-500 dark:text-zinc-400">Looking for its live streams…</p>;
  }
  const streams = live.data.streams.filter(
    (s) => (principalId === undefined || s.principalId === principalId) && inScope(s.table, scope),
  );
  if (streams.length === 0) return <p data-testid="affected-streams">No live streams of it right now.</p>;
  return (
    <div data-testid="affected-streams">
      <p>
        {streams.length === 1 ? '1 live stream' : `${streams.length} live streams`} now. {lead}
      </p>
      <ul className="mt-1 list-disc pl-5">
        {streams.map((s) => (
          <li key={`${s.node}/${s.streamId}`}>
            <span className="font-mono">{s.table}</span> on {s.nodeId ?? s.node}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The credentials of service principal `principalId` that stop getting tokens while it is disabled. */
export function CredentialsAffected({ principalId }: { principalId: string }) {
  const trpc = useTRPC();
  const credentials = useQuery(trpc.credentials.list.queryOptions({ principalId }));
  if (credentials.data === undefined) return null;
  const usable = credentials.data.filter((c) => c.status === 'active');
  if (usable.length === 0) return <p data-testid="affected-credentials">It has no active credentials.</p>;
  return (
    <p data-testid="affected-credentials">
      Its {usable.length === 1 ? 'credential' : `${usable.length} credentials`}{' '}
      {usable.map((c, i) => (
        <span key={c.clientId}>
          {i === 0 ? '' : ', '}
          <code className="font-mono">{c.clientId}</code>
        </span>
      ))}{' '}
      get no tokens while it is disabled (they are kept; enabling it again restores them).
    </p>
  );
}

/** A grant that a deletion removes, as `tables.dropImpact` and its kin name it. */
export interface GrantGoing {
  readonly privilege: string;
  readonly securable: { readonly type: string; readonly name: string };
  readonly principalName: string;
}

/** The grants a deletion removes with it (`grants`, while loading `undefined`), or that there are none. */
export function GrantsAffected({ grants }: { grants: readonly GrantGoing[] | undefined }) {
  if (grants === undefined)
    return <p className="text-zinc-500 dark:text-zinc-400">Looking for its grants…</p>;
  if (grants.length === 0) return <p data-testid="affected-grants">No grants go with it.</p>;
  return (
    <div data-testid="affected-grants">
      <p>{grants.length === 1 ? 'This grant goes' : `These ${grants.length} grants go`} with it:</p>
      <ul className="mt-1 list-disc pl-5">
        {grants.map((g) => (
          <li key={`${g.principalName}/${g.privilege}/${g.securable.type}/${g.securable.name}`}>
            <span className="font-mono">{g.privilege}</span> on {g.securable.type}{' '}
            <span className="font-mono">{g.securable.name}</span> to {g.principalName}
          </li>
        ))}
      </ul>
    </div>
  );
}
