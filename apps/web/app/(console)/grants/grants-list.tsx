'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { LiveStreamsAffected } from '../../../src/ui/affected-by-change';
import type { Outputs } from '../../../src/ui/api-types';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { formatAgo, formatTime } from '../../../src/ui/format';
import { Panel } from '../../../src/ui/layout';
import { PrincipalSelect } from '../../../src/ui/principal-select';
import { SecurableLabel } from '../../../src/ui/securable-label';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { usePrincipalNames } from '../../../src/ui/use-principal-names';

type Grant = Outputs['grants']['list'][number];

/** The grants, narrowed by principal and securable; editors revoke from here, after a confirmation. */
export function GrantsList({
  principals,
  initialSecurable,
}: {
  principals: readonly PrincipalInfo[];
  initialSecurable: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { canEdit } = useSession();
  const nameOf = usePrincipalNames();
  const [principalId, setPrincipalId] = useState('');
  const [securable, setSecurable] = useState(initialSecurable);
  const grants = useQuery({
    ...trpc.grants.list.queryOptions(principalId === '' ? undefined : { principalId }),
    placeholderData: keepPreviousData,
  });
  const [toRevoke, setToRevoke] = useState<Grant | null>(null);
  const revoke = useMutation(
    trpc.grants.revoke.mutationOptions({
      onSuccess: async () => {
        setToRevoke(null);
        await queryClient.invalidateQueries({ queryKey: trpc.grants.pathKey() });
      },
    }),
  );
  const closeRevoke = () => {
    setToRevoke(null);
    revoke.reset();
  };
  const needle = securable.trim().toLowerCase();
  const shown = (grants.data ?? []).filter((g) => needle === '' || g.securable.name.includes(needle));

  return (
    <Panel title="Grants" bodyClassName="">
      <div className="flex flex-wrap items-end gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800">
        <PrincipalSelect
          label="Show grants of"
          emptyLabel="All principals"
          className="w-64"
          principals={principals}
          value={principalId}
          onChange={setPrincipalId}
        />
        <TextField
          label="Securable contains"
          type="search"
          placeholder="main.sales"
          className="w-64"
          value={securable}
          onChange={(e) => setSecurable(e.target.value)}
        />
      </div>
      <ErrorMessage error={grants.error} className="m-3" />
      {grants.isPending ? (
        <Loading what="grants" />
      ) : shown.length === 0 ? (
        <div className="p-4">
          <EmptyState title={grants.data?.length === 0 ? 'No grants yet' : 'No grants match'}>
            {canEdit
              ? 'Grant a privilege above. A producer writing to a table needs USE_CATALOG, USE_SCHEMA and MODIFY; the official SDKs also ask for SELECT when they fetch their token.'
              : 'An editor grants privileges.'}
          </EmptyState>
        </div>
      ) : (
        <DataTable data-testid="grants-table">
          <thead>
            <tr>
              <Th>Principal</Th>
              <Th>Privilege</Th>
              <Th>On</Th>
              <Th>Granted by</Th>
              <Th>Granted</Th>
              {canEdit ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {shown.map((g) => (
              <tr key={g.id}>
                <Td className="font-medium">{nameOf(g.principalId)}</Td>
                <Td>
                  <Badge tone="accent">{g.privilege}</Badge>
                </Td>
                <Td>
                  <SecurableLabel type={g.securable.type} name={g.securable.name} />
                </Td>
                <Td className="text-zinc-600 dark:text-zinc-400">{nameOf(g.grantedBy)}</Td>
                <Td
                  className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
                  title={formatTime(g.grantedAt)}
                >
                  {formatAgo(g.grantedAt)}
                </Td>
                {canEdit ? (
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="danger"
                      disabled={revoke.isPending}
                      onClick={() => setToRevoke(g)}
                    >
                      Revoke
                    </Button>
                  </Td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {toRevoke === null ? null : (
        <ConfirmDialog
          open
          title="Revoke this grant?"
          confirmLabel={`Revoke ${toRevoke.privilege}`}
          busy={revoke.isPending}
          error={revoke.error}
          onCancel={closeRevoke}
          onConfirm={() =>
            revoke.mutate({
              principalId: toRevoke.principalId,
              privilege: toRevoke.privilege,
              securable: toRevoke.securable,
            })
          }
        >
          <p data-testid="revoke-summary">
            <strong>{nameOf(toRevoke.principalId)}</strong> loses <strong>{toRevoke.privilege}</strong> on{' '}
            {toRevoke.securable.type} <span className="font-mono">{toRevoke.securable.name}</span>.
          </p>
          {toRevoke.privilege === 'SELECT' ? (
            <p>
              Streams already open keep going; the SDKs ask for SELECT when they fetch a token, so its next
              token request is refused.
            </p>
          ) : (
            <LiveStreamsAffected
              principalId={toRevoke.principalId}
              scope={toRevoke.securable.name}
              lead="The nodes end those that this grant let write, at the next catalog snapshot."
            />
          )}
        </ConfirmDialog>
      )}
    </Panel>
  );
}
