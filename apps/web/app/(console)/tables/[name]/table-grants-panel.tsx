'use client';

import { useQuery } from '@tanstack/react-query';
import { ButtonLink } from '../../../../src/ui/button';
import { EmptyState, ErrorMessage, Loading } from '../../../../src/ui/feedback';
import { Panel } from '../../../../src/ui/layout';
import { SecurableLabel } from '../../../../src/ui/securable-label';
import { useSession } from '../../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../../src/ui/table';
import { useTRPC } from '../../../../src/ui/trpc';
import { usePrincipalNames } from '../../../../src/ui/use-principal-names';

/** The securables whose grants reach table `name`: its catalog, its schema and itself. */
function securablesAbove(name: string): string[] {
  const [catalog, schema] = name.split('.');
  return [catalog ?? '', `${catalog}.${schema}`, name];
}

/** The grants that reach this table: on it, and inherited from its schema and catalog. */
export function TableGrantsPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const { canEdit } = useSession();
  const nameOf = usePrincipalNames();
  const grants = useQuery(trpc.grants.list.queryOptions());
  const reaching = securablesAbove(name);
  const shown = (grants.data ?? []).filter((g) => reaching.includes(g.securable.name));
  const grantHref = `/grants?type=table&name=${encodeURIComponent(name)}`;
  return (
    <Panel
      title="Grants"
      bodyClassName=""
      actions={
        canEdit ? (
          <ButtonLink size="sm" href={grantHref}>
            Grant…
          </ButtonLink>
        ) : undefined
      }
    >
      <ErrorMessage error={grants.error} className="m-3" />
      {grants.isPending ? (
        <Loading what="grants" />
      ) : shown.length === 0 ? (
        <div className="p-4">
          <EmptyState title="Nobody has access yet">
            A producer needs USE_CATALOG, USE_SCHEMA and MODIFY to stream here (and SELECT: the official SDKs
            ask for it with their token).
          </EmptyState>
        </div>
      ) : (
        <DataTable data-testid="table-grants">
          <thead>
            <tr>
              <Th>Principal</Th>
              <Th>Privilege</Th>
              <Th>Granted on</Th>
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
                  {g.securable.name === name ? (
                    <span className="text-xs text-zinc-500">this table</span>
                  ) : (
                    <SecurableLabel type={g.securable.type} name={g.securable.name} />
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Panel>
  );
}
