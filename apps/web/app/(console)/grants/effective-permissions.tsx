'use client';

import type { PrincipalInfo, SecurableType } from '@lakestream/catalog';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorMessage, Loading } from '../../../src/ui/feedback';
import { Panel } from '../../../src/ui/layout';
import { PrincipalSelect, usePrincipalChoice } from '../../../src/ui/principal-select';
import { SecurableFields, useSecurableNames } from '../../../src/ui/securable-fields';
import { securableNameProblem } from '../../../src/ui/securable-name';
import { Badge } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { useDebounced } from '../../../src/ui/use-debounced';
import { StreamVerdict } from './stream-verdict';

/**
 * "Effective permissions — and why": every privilege a principal holds on a securable, each with the grant it
 * comes from and the reason in words (`grants.effective`); for a table also whether it may stream to it with
 * the SDK (`StreamVerdict`: the token endpoint's check), with a fix for editors.
 */
export function EffectivePermissions({
  principals,
  initialType,
  initialName,
}: {
  principals: readonly PrincipalInfo[];
  initialType: SecurableType;
  initialName: string;
}) {
  const trpc = useTRPC();
  const [chosen, setPrincipalId] = usePrincipalChoice(principals);
  const [type, setType] = useState<SecurableType>(initialType);
  const [name, setName] = useState(initialName);
  const settledName = useDebounced(name.trim().toLowerCase(), 300);
  // Asked only about a well-formed name of a securable that exists, so typing never makes a failed request.
  const known = useSecurableNames(type);
  const nameProblem =
    settledName === ''
      ? undefined
      : (securableNameProblem(type, settledName) ??
        (known === undefined || known.includes(settledName)
          ? undefined
          : `no ${type} '${settledName}' exists`));
  const ready = chosen !== '' && settledName !== '' && nameProblem === undefined && known !== undefined;
  const effective = useQuery({
    ...trpc.grants.effective.queryOptions({ principalId: chosen, securable: { type, name: settledName } }),
    enabled: ready,
  });

  return (
    <Panel title="Effective permissions — and why">
      <div className="flex flex-wrap items-end gap-3">
        <PrincipalSelect
          label="Principal to check"
          className="w-64"
          principals={principals}
          value={chosen}
          onChange={setPrincipalId}
        />
        <SecurableFields
          typeLabel="Type to check"
          nameLabel="Securable to check"
          type={type}
          name={name}
          onChange={(t, n) => {
            setType(t);
            setName(n);
          }}
        />
      </div>
      <div className="mt-4" data-testid="effective-permissions">
        {nameProblem !== undefined ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="securable-problem">
            {nameProblem.charAt(0).toUpperCase() + nameProblem.slice(1)}.
          </p>
        ) : !ready ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            Choose a principal and a securable to see what it may do there, and why.
          </p>
        ) : effective.error !== null ? (
          <ErrorMessage error={effective.error} />
        ) : effective.data === undefined ? (
          <Loading what="permissions" />
        ) : (
          <div className="space-y-3">
            {type === 'table' ? <StreamVerdict principalId={chosen} table={settledName} /> : null}
            {effective.data.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                No privileges here: no grant on {type} &apos;{settledName}&apos; or above it.
              </p>
            ) : (
              <ul className="divide-y divide-zinc-100 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
                {effective.data.map((p) => (
                  <li key={`${p.privilege}-${p.grant.id}`} className="flex items-start gap-3 px-3 py-2">
                    <span className="w-28 shrink-0">
                      <Badge tone="accent">{p.privilege}</Badge>
                    </span>
                    <span className="flex-1 text-[13px]">{p.reason}</span>
                    <span className="shrink-0 text-xs text-zinc-500">
                      {p.inherited ? 'inherited' : 'granted here'}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Panel>
  );
}
