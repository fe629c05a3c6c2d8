'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { GrantsAffected, LiveStreamsAffected } from '../../../../src/ui/affected-by-change';
import { Button } from '../../../../src/ui/button';
import { ConfirmDialog } from '../../../../src/ui/confirm-dialog';
import { tableHref } from '../../../../src/ui/links';
import { RenameDialog } from '../../../../src/ui/rename-dialog';
import { useSession } from '../../../../src/ui/session';
import { useTRPC } from '../../../../src/ui/trpc';

/** The table part of `catalog.schema.table`, and the `catalog.schema.` before it. */
function splitTableName(name: string): { parent: string; table: string } {
  const dot = name.lastIndexOf('.');
  return { parent: name.slice(0, dot + 1), table: name.slice(dot + 1) };
}

/** "Rename": a new name for the table in its schema; the page follows it. Editors and admins. */
function RenameTable({ name, onClose }: { name: string; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { parent, table } = splitTableName(name);
  const rename = useMutation(
    trpc.tables.rename.mutationOptions({
      onSuccess: async (renamed) => {
        await queryClient.invalidateQueries({ queryKey: trpc.tables.list.queryKey() });
        router.replace(tableHref(renamed.name));
      },
    }),
  );
  return (
    <RenameDialog
      title="Rename this table?"
      label={`New name in ${parent.slice(0, -1)}`}
      initial={table}
      busy={rename.isPending}
      error={rename.error}
      onEdit={() => rename.reset()}
      onRename={(value) => rename.mutate({ name, newName: `${parent}${value}` })}
      onClose={onClose}
    >
      <p>
        Its grants and its Delta data stay. Producers must use the new name: once the catalog reaches the
        ingest nodes, new streams to <span className="font-mono">{name}</span> are refused.
      </p>
      <LiveStreamsAffected scope={name} lead="They keep their stream; reconnecting needs the new name." />
    </RenameDialog>
  );
}

/** "Delete": the confirmation names the grants that go and the live streams; data stays unless ticked. Admins. */
function DeleteTable({ name, location, onClose }: { name: string; location: string; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const impact = useQuery(trpc.tables.dropImpact.queryOptions({ name }));
  const [deleteData, setDeleteData] = useState(false);
  const drop = useMutation(
    trpc.tables.drop.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tables.list.queryKey() });
        router.push('/tables');
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      title="Delete this table?"
      confirmLabel={deleteData ? 'Delete table and data' : 'Delete table'}
      busy={drop.isPending}
      error={drop.error ?? impact.error}
      onCancel={onClose}
      onConfirm={() => drop.mutate({ name, deleteData })}
    >
      <p>
        <strong className="font-mono">{name}</strong> leaves the catalog; the ingest nodes refuse new streams
        to it once the change reaches them.
      </p>
      <GrantsAffected grants={impact.data?.grants} />
      <LiveStreamsAffected scope={name} lead="The nodes stop accepting them for this table." />
      <label className="mt-2 flex items-start gap-2">
        <input type="checkbox" checked={deleteData} onChange={(e) => setDeleteData(e.target.checked)} />
        <span>
          Also delete its data: every Delta file at <span className="font-mono break-all">{location}</span>.
          Without this the data stays where it is, readable by any Delta reader.
        </span>
      </label>
    </ConfirmDialog>
  );
}

/** The table page's Rename (editors) and Delete (admins) buttons and their dialogs. */
export function TableLifecycleActions({ name, location }: { name: string; location: string }) {
  const { canEdit, isAdmin } = useSession();
  const [open, setOpen] = useState<'rename' | 'delete' | null>(null);
  const close = () => setOpen(null);
  return (
    <>
      {canEdit ? <Button onClick={() => setOpen('rename')}>Rename</Button> : null}
      {isAdmin ? (
        <Button variant="danger" onClick={() => setOpen('delete')}>
          Delete
        </Button>
      ) : null}
      {open === 'rename' ? <RenameTable name={name} onClose={close} /> : null}
      {open === 'delete' ? <DeleteTable name={name} location={location} onClose={close} /> : null}
    </>
  );
}
