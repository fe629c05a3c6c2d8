'use client';

import type { PrincipalInfo } from '@lakestream/catalog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { GrantsAffected, LiveStreamsAffected } from '../../../src/ui/affected-by-change';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { RenameDialog } from '../../../src/ui/rename-dialog';
import { useSession } from '../../../src/ui/session';
import { useTRPC } from '../../../src/ui/trpc';

function DeletePrincipal({ principal, onClose }: { principal: PrincipalInfo; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const impact = useQuery(trpc.principals.deleteImpact.queryOptions({ id: principal.id }));
  const remove = useMutation(
    trpc.principals.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.principals.list.queryKey() });
        onClose();
      },
    }),
  );
  const credentials = impact.data?.credentials ?? [];
  const kind = principal.kind === 'user' ? 'user' : 'service principal';
  return (
    <ConfirmDialog
      open
      title={`Delete this ${kind}?`}
      confirmLabel={`Delete ${kind}`}
      busy={remove.isPending}
      error={remove.error ?? impact.error}
      onCancel={onClose}
      onConfirm={() => remove.mutate({ id: principal.id })}
    >
      <p>
        <strong>{principal.name}</strong> is deleted for good
        {principal.kind === 'user'
          ? ', with their password, sessions and API tokens.'
          : '; the nodes refuse its tokens once the change reaches them.'}
      </p>
      <GrantsAffected grants={impact.data?.grants} />
      {principal.kind === 'service' ? (
        <p data-testid="affected-credentials">
          {credentials.length === 0
            ? 'It has no credentials.'
            : `Its ${credentials.length === 1 ? 'credential' : `${credentials.length} credentials`} go too: ${credentials.map((c) => `${c.clientId} (${c.status})`).join(', ')}.`}
        </p>
      ) : null}
      {principal.kind === 'service' ? (
        <LiveStreamsAffected
          principalId={principal.id}
          lead="The nodes end them at the next catalog snapshot."
        />
      ) : null}
    </ConfirmDialog>
  );
}

function RenamePrincipal({ principal, onClose }: { principal: PrincipalInfo; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rename = useMutation(
    trpc.principals.rename.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.principals.list.queryKey() });
        onClose();
      },
    }),
  );
  return (
    <RenameDialog
      title={principal.kind === 'user' ? 'Rename this user?' : 'Rename this service principal?'}
      label={principal.kind === 'user' ? 'New name (e-mail)' : 'New service principal name'}
      initial={principal.name}
      busy={rename.isPending}
      error={rename.error}
      onEdit={() => rename.reset()}
      onRename={(name) => rename.mutate({ id: principal.id, name })}
      onClose={onClose}
    >
      <p>Its id, grants and credentials stay.</p>
    </RenameDialog>
  );
}

/**
 * Rename and Delete of a principal (admins; never yourself): the delete confirmation names its grants, its
 * credentials and live streams, which go with it.
 */
export function PrincipalLifecycleActions({ principal }: { principal: PrincipalInfo }) {
  const { isAdmin, id } = useSession();
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  if (!isAdmin) return null;
  const close = () => setOpen(null);
  return (
    <>
      <Button size="sm" onClick={() => setOpen('rename')}>
        Rename
      </Button>
      {principal.id === id ? null : (
        <Button
          size="sm"
          variant="danger"
          onClick={() => setOpen('delete')}
          aria-label={`Delete ${principal.name}`}
        >
          Delete
        </Button>
      )}
      {open === 'rename' ? <RenamePrincipal principal={principal} onClose={close} /> : null}
      {open === 'delete' ? <DeletePrincipal principal={principal} onClose={close} /> : null}
    </>
  );
}
