'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { servicePrincipalNameProblem } from '@lakestream/catalog/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { CredentialsAffected, LiveStreamsAffected } from '../../../src/ui/affected-by-change';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { formatAgo } from '../../../src/ui/format';
import { Panel, PanelFooterForm } from '../../../src/ui/layout';
import { DisableToggle, PrincipalStatusBadge } from '../../../src/ui/principal-status';
import { useSession } from '../../../src/ui/session';
import { DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';
import { PrincipalLifecycleActions } from './principal-lifecycle-actions';

/**
 * Service principals (producers): pick one to see its credentials; admins create, disable (after a
 * confirmation naming its credentials and live streams) and re-enable them.
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
  const [toDisable, setToDisable] = useState<PrincipalInfo | null>(null);
  const setDisabled = useMutation(
    trpc.principals.setDisabled.mutationOptions({
      onSuccess: async () => {
        setToDisable(null);
        await refresh();
      },
    }),
  );
  const cancelDisable = () => {
    setToDisable(null);
    setDisabled.reset();
  };
  const [name, setName] = useState('');
  // The server's own rule, checked as one types (the router refuses the same names).
  const nameProblem = name === '' ? undefined : servicePrincipalNameProblem(name.toLowerCase());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (nameProblem !== undefined) return;
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
      <ErrorMessage error={error ?? (toDisable === null ? setDisabled.error : null)} className="m-3" />
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
                      <div className="flex justify-end gap-1.5">
                        <DisableToggle
                          disabled={sp.disabled}
                          busy={setDisabled.isPending}
                          onToggle={(disabled) =>
                            disabled ? setToDisable(sp) : setDisabled.mutate({ id: sp.id, disabled })
                          }
                        />
                        <PrincipalLifecycleActions principal={sp} />
                      </div>
                    </Td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </DataTable>
      )}
      {isAdmin ? (
        <PanelFooterForm onSubmit={submit} error={nameProblem ?? create.error}>
          <TextField
            label="Service principal name"
            required
            placeholder="e.g. orders-producer"
            className="min-w-48 flex-1"
            aria-invalid={nameProblem !== undefined}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              create.reset();
            }}
          />
          <Button type="submit" variant="primary" disabled={create.isPending || nameProblem !== undefined}>
            Create service principal
          </Button>
        </PanelFooterForm>
      ) : null}
      {toDisable === null ? null : (
        <ConfirmDialog
          open
          title="Disable this service principal?"
          confirmLabel="Disable"
          busy={setDisabled.isPending}
          error={setDisabled.error}
          onCancel={cancelDisable}
          onConfirm={() => setDisabled.mutate({ id: toDisable.id, disabled: true })}
        >
          <p>
            <strong>{toDisable.name}</strong> gets no more tokens and the nodes refuse the ones it holds. Its
            grants stay.
          </p>
          <CredentialsAffected principalId={toDisable.id} />
          <LiveStreamsAffected
            principalId={toDisable.id}
            lead="The nodes end them at the next catalog snapshot."
          />
        </ConfirmDialog>
      )}
    </Panel>
  );
}
