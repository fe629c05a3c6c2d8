'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '../../../../src/ui/button';
import { ErrorMessage } from '../../../../src/ui/feedback';
import { Panel } from '../../../../src/ui/layout';
import { ColumnEditor } from '../../../../src/ui/tables/column-editor';
import { type FieldDraft, newField, toColumnsInput } from '../../../../src/ui/tables/column-model';
import { useTRPC } from '../../../../src/ui/trpc';

/**
 * "Add columns" (editors): new nullable columns at the end of the table, the column editor of create-table
 * starting with one empty row. The catalog refuses a NOT NULL column or a name the table has, in words; on
 * success the table's schema, versions, `.proto` and snippets are read again.
 */
export function AddColumnsPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [columns, setColumns] = useState<FieldDraft[]>(() => [newField()]);
  const add = useMutation(
    trpc.tables.addColumns.mutationOptions({
      onSuccess: async () => {
        setColumns([newField()]);
        await queryClient.invalidateQueries({ queryKey: trpc.tables.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ name, columns: toColumnsInput(columns) });
  };
  return (
    <Panel
      title="Add columns"
      actions={
        <Button size="sm" onClick={() => setColumns([...columns, newField()])}>
          Another column
        </Button>
      }
    >
      <form onSubmit={submit} aria-label="Add columns">
        <p className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">
          New columns are nullable: rows already in the table read them as null. Producers keep streaming with
          their descriptor; to send the new columns, download the new descriptor and open a new stream.
          Columns cannot be removed, renamed or change type.
        </p>
        <ColumnEditor columns={columns} onChange={(next) => setColumns(next)} />
        <ErrorMessage error={add.error} className="mt-3" />
        <div className="mt-3 flex justify-end">
          <Button type="submit" variant="primary" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add columns'}
          </Button>
        </div>
      </form>
    </Panel>
  );
}
