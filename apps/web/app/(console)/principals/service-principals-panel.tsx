'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../src/ui/button';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { formatAgo } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { DisableToggle, PrincipalStatusBadge } from '../../../src/ui/principal-status';
import { useSession } from '../../../src/ui/session';
import { DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';

/**
 * Service principals (producers): pick one to see its credentials; admins create, disable and re-enable
 * them.
 */
export function ServicePrincipalsPanel({
  services,
  error,
  selectedId,
  onSelect,
}: {
  services: PrincipalInfo[] | undefined;
  error: unknown;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isAdmin } = useSession();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.principals.list.queryKey() });
  const create = useMutation(trpc.principals.createServicePrincipal.mutationOptions());
  const setDisabled = useMutation(trpc.principals.setDisabled.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name },
      {
        onSuccess: async (created) => {
          setName('');
          await refresh();
          onSelect(created.id);
        },
      },
    );
  };

  return (
    <Panel title="Service principals" bodyClassName="">
      <ErrorMessage error={error ?? setDisabled.error} className="m-3" />
      {services === undefined ? (
        error === null ? (
          <Loading what="service principals" />
        ) : null
      ) : services.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No service principals yet">
            {isAdmin
              ? 'Create one for each producer application, then give it a secret and grant it access to its tables (Grants).'
              : 'An admin creates one for each producer application.'}
          </EmptyState>
        </div>
      ) : (
        <DataTable data-testid="service-principals-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Principal id</Th>
              <Th>Status</Th>
              <Th>Created</Th>
              {isAdmin ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {services.map((sp) => {
              const selected = sp.id === selectedId;
              return (
                <tr key={sp.id} className={selected ? 'bg-sky-50/70 dark:bg-sky-950/30' : ''}>
                  <Td>
                    <button
                      type="button"
                      aria-pressed={selected}
                      onClick={() => onSelect(sp.id)}
                      className="font-medium whitespace-nowrap text-sky-700 hover:underline dark:text-sky-400"
                    >
                      {sp.name}
                    </button>
                  </Td>
                  <Td className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{sp.id}</Td>
                  <Td>
                    <PrincipalStatusBadge disabled={sp.disabled} />
                  </Td>
                  <Td className="whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                    {formatAgo(sp.createdAt)}
                  </Td>
                  {isAdmin ? (
                    <Td className="text-right">
                      <DisableToggle
                        disabled={sp.disabled}
                        busy={setDisabled.isPending}
                        onToggle={(disabled) => setDisabled.mutate({ id: sp.id, disabled })}
                      />
                    </Td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      {isAdmin ? (
        <PanelFooterForm onSubmit={submit} error={create.error}>
          <TextField
            label="Service principal name"
            required
            placeholder="e.g. orders-producer"
            className="min-w-48 flex-1"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Button type="submit" variant="primary" disabled={create.isPending}>
            Create service principal
          </Button>
        </PanelFooterForm>
      ) : null}
    </Panel>
  );
}
