'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { GrantsAffected } from '../../../src/ui/affected-by-change';
import { Button } from '../../../src/ui/button';
import { ConfirmDialog } from '../../../src/ui/confirm-dialog';
import { ErrorMessage, Loading } from '../../../src/ui/feedback';
import { Panel } from '../../../src/ui/layout';
import { RenameDialog } from '../../../src/ui/rename-dialog';
import { useSession } from '../../../src/ui/session';
import { DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';

/** A catalog (`main`) or a schema (`main.sales`) that a dialog acts on. */
type Container = { readonly type: 'catalog' | 'schema'; readonly name: string };

/** The last part of a dotted name, and what comes before it (`main.` of `main.sales`). */
function lastPart(name: string): { parent: string; own: string } {
  const dot = name.lastIndexOf('.');
  return { parent: name.slice(0, dot + 1), own: name.slice(dot + 1) };
}

/** Refreshes every list a rename or drop of a catalog or schema changes. */
function useRefreshAfter() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.catalogs.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.tables.list.queryKey() }),
    ]);
}

function RenameContainer({ target, onClose }: { target: Container; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshAfter();
  const options = {
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  };
  const renameCatalog = useMutation(trpc.catalogs.rename.mutationOptions(options));
  const renameSchema = useMutation(trpc.catalogs.renameSchema.mutationOptions(options));
  const rename = target.type === 'catalog' ? renameCatalog : renameSchema;
  const { parent, own } = lastPart(target.name);
  return (
    <RenameDialog
      title={`Rename this ${target.type}?`}
      label={`New name of ${target.type} ${target.name}`}
      initial={own}
      busy={rename.isPending}
      error={rename.error}
      onEdit={() => rename.reset()}
      onRename={(value) => rename.mutate({ name: target.name, newName: `${parent}${value}` })}
      onClose={onClose}
    >
      <p>
        Everything in it, its grants and its tables' data stay; the names of its tables change with it, and
        producers must use the new names.
      </p>
    </RenameDialog>
  );
}

function DropContainer({ target, onClose }: { target: Container; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshAfter();
  const impact = useQuery(trpc.catalogs.dropImpact.queryOptions(target));
  const options = {
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  };
  const dropCatalog = useMutation(trpc.catalogs.drop.mutationOptions(options));
  const dropSchema = useMutation(trpc.catalogs.dropSchema.mutationOptions(options));
  const drop = target.type === 'catalog' ? dropCatalog : dropSchema;
  const contents = impact.data?.contents ?? [];
  return (
    <ConfirmDialog
      open
      title={`Delete this ${target.type}?`}
      confirmLabel={`Delete ${target.type}`}
      busy={drop.isPending || contents.length > 0}
      error={drop.error ?? impact.error}
      onCancel={onClose}
      onConfirm={() => drop.mutate({ name: target.name })}
    >
      {contents.length > 0 ? (
        <p data-testid="container-contents">
          <strong className="font-mono">{target.name}</strong> still holds{' '}
          {contents.map((c, i) => (
            <span key={c}>
              {i === 0 ? '' : ', '}
              <span className="font-mono">{c}</span>
            </span>
          ))}
          . Delete {contents.length === 1 ? 'it' : 'them'} first: a {target.type} is never deleted with what
          is inside it.
        </p>
      ) : (
        <p>
          <strong className="font-mono">{target.name}</strong> is empty and leaves the catalog.
        </p>
      )}
      <GrantsAffected grants={impact.data?.grants} />
    </ConfirmDialog>
  );
}

function SchemaRows({
  catalog,
  onAct,
}: {
  catalog: string;
  onAct: (t: Container, a: 'rename' | 'drop') => void;
}) {
  const trpc = useTRPC();
  const { canEdit, isAdmin } = useSession();
  const schemas = useQuery(trpc.catalogs.schemas.queryOptions({ catalog }));
  return (schemas.data ?? []).map((s) => (
    <tr key={s.id}>
      <Td className="pl-8 font-mono">{s.name}</Td>
      <Td>schema</Td>
      <Td className="text-right whitespace-nowrap">
        {canEdit ? (
          <Button size="sm" onClick={() => onAct({ type: 'schema', name: s.name }, 'rename')}>
            Rename
          </Button>
        ) : null}{' '}
        {isAdmin ? (
          <Button size="sm" variant="danger" onClick={() => onAct({ type: 'schema', name: s.name }, 'drop')}>
            Delete
          </Button>
        ) : null}
      </Td>
    </tr>
  ));
}

/** Catalogs and their schemas; editors rename them, admins delete empty ones (after a confirmation). */
export function CatalogsPanel() {
  const trpc = useTRPC();
  const { canEdit, isAdmin } = useSession();
  const catalogs = useQuery(trpc.catalogs.list.queryOptions());
  const [acting, setActing] = useState<{ target: Container; action: 'rename' | 'drop' } | null>(null);
  const onAct = (target: Container, action: 'rename' | 'drop') => setActing({ target, action });
  const close = () => setActing(null);
  if (!canEdit) return null;
  return (
    <Panel title="Catalogs and schemas" bodyClassName="" className="mt-4">
      <ErrorMessage error={catalogs.error} className="m-3" />
      {catalogs.data === undefined ? (
        <Loading what="catalogs" />
      ) : (
        <DataTable data-testid="catalogs-table">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Kind</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {catalogs.data.flatMap((c) => [
              <tr key={c.id}>
                <Td className="font-mono font-medium">{c.name}</Td>
                <Td>catalog</Td>
                <Td className="text-right whitespace-nowrap">
                  <Button size="sm" onClick={() => onAct({ type: 'catalog', name: c.name }, 'rename')}>
                    Rename
                  </Button>{' '}
                  {isAdmin ? (
                    <Button
                      size="sm"
                      variant="danger"
                      onClick={() => onAct({ type: 'catalog', name: c.name }, 'drop')}
                    >
                      Delete
                    </Button>
                  ) : null}
                </Td>
              </tr>,
              <SchemaRows key={`${c.id}-schemas`} catalog={c.name} onAct={onAct} />,
            ])}
          </tbody>
        </DataTable>
      )}
      {acting === null ? null : acting.action === 'rename' ? (
        <RenameContainer target={acting.target} onClose={close} />
      ) : (
        <DropContainer target={acting.target} onClose={close} />
      )}
    </Panel>
  );
}
