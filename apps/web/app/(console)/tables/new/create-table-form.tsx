'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { Button, ButtonLink } from '../../../../src/ui/button';
import { CodeBlock } from '../../../../src/ui/code-block';
import { Banner, EmptyState, ErrorMessage } from '../../../../src/ui/feedback';
import { TextField } from '../../../../src/ui/field';
import { PageHeader, Panel } from '../../../../src/ui/layout';
import { tableHref } from '../../../../src/ui/links';
import { useSession } from '../../../../src/ui/session';
import { ColumnEditor } from '../../../../src/ui/tables/column-editor';
import {
  type FieldDraft,
  initialColumns,
  newField,
  toColumnsInput,
} from '../../../../src/ui/tables/column-model';
import { trpcErrorCode, useTRPC, useTRPCClient } from '../../../../src/ui/trpc';
import { useDebounced } from '../../../../src/ui/use-debounced';

/** Waits for `creating`; a CONFLICT (it exists already) is as good as created. */
async function alreadyThereIsFine(creating: Promise<unknown>): Promise<void> {
  try {
    await creating;
  } catch (error) {
    if (trpcErrorCode(error) !== 'CONFLICT') throw error;
  }
}

/** A text input with suggestions (existing catalogs or schemas) that also takes a new name. */
function NameWithSuggestions({
  label,
  value,
  suggestions,
  onChange,
  placeholder,
}: {
  label: string;
  value: string;
  suggestions: readonly string[];
  onChange: (value: string) => void;
  placeholder: string;
}) {
  const listId = `${label.toLowerCase().replace(/\W+/g, '-')}-suggestions`;
  return (
    <>
      <TextField
        label={label}
        list={listId}
        required
        autoComplete="off"
        placeholder={placeholder}
        className="w-56"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </>
  );
}

/**
 * The create-table page: catalog, schema (created inline when missing) and table name; the column editor;
 * under it the server's verdict in words and a live, debounced preview of the `.proto` and the Delta schema
 * JSON (`tables.schemaPreview`, the catalog's own rules). "Create table" creates what is missing, then the table.
 */
export function CreateTableForm() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { canEdit } = useSession();
  const [catalog, setCatalog] = useState('');
  const [schema, setSchema] = useState('');
  const [table, setTable] = useState('');
  const [comment, setComment] = useState('');
  const [columns, setColumns] = useState<FieldDraft[]>(initialColumns);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);

  const catalogName = catalog.trim().toLowerCase();
  const schemaName = `${catalogName}.${schema.trim().toLowerCase()}`;
  const fullName = `${catalogName}.${schema.trim().toLowerCase()}.${table.trim().toLowerCase()}`;

  const catalogs = useQuery(trpc.catalogs.list.queryOptions());
  const catalogExists = catalogs.data?.some((c) => c.name === catalogName) ?? false;
  const schemas = useQuery({
    ...trpc.catalogs.schemas.queryOptions({ catalog: catalogName }),
    enabled: catalogExists,
  });
  const schemaExists = catalogExists && (schemas.data?.some((s) => s.name === schemaName) ?? false);

  const createCatalog = useMutation(
    trpc.catalogs.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.catalogs.list.queryKey() }),
    }),
  );
  const createSchema = useMutation(
    trpc.catalogs.createSchema.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.catalogs.schemas.queryKey() }),
    }),
  );
  const createTable = useMutation(trpc.tables.create.mutationOptions());

  // The preview uses placeholder parts while the name is incomplete, so the columns are checked from the start.
  const previewInput = useMemo(
    () => ({
      name: `${catalog.trim() || 'catalog'}.${schema.trim() || 'schema'}.${table.trim() || 'table'}`,
      columns: toColumnsInput(columns),
    }),
    [catalog, schema, table, columns],
  );
  const debouncedPreview = useDebounced(previewInput, 350);
  const preview = useQuery({
    ...trpc.tables.schemaPreview.queryOptions(debouncedPreview),
    enabled: canEdit,
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const previewSettled = debouncedPreview === previewInput && !preview.isFetching;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitError(null);
    setSubmitting(true);
    try {
      // Lists still loading may not show a catalog or schema that exists: CONFLICT then means "already there".
      // The plain client, so that these calls' errors show with the submit's, not under the inline buttons.
      if (!catalogExists) await alreadyThereIsFine(client.catalogs.create.mutate({ name: catalogName }));
      if (!schemaExists) await alreadyThereIsFine(client.catalogs.createSchema.mutate({ name: schemaName }));
      await queryClient.invalidateQueries({ queryKey: trpc.catalogs.pathKey() });
      const created = await createTable.mutateAsync({
        name: fullName,
        columns: toColumnsInput(columns),
        ...(comment.trim() === '' ? {} : { comment: comment.trim() }),
      });
      await queryClient.invalidateQueries({ queryKey: trpc.tables.list.queryKey() });
      router.push(tableHref(created.name));
    } catch (error) {
      setSubmitError(error);
      setSubmitting(false);
    }
  };

  if (!canEdit) {
    return (
      <>
        <PageHeader title="Create table" />
        <EmptyState title="Creating tables needs the editor role">
          <span>Ask an admin to make you an editor, or ask an editor to create the table.</span>
          <ButtonLink href="/tables">Back to tables</ButtonLink>
        </EmptyState>
      </>
    );
  }

  const missing = [
    catalogName !== '' && catalogs.data !== undefined && !catalogExists ? `catalog '${catalogName}'` : null,
    schema.trim() !== '' && (!catalogExists || (schemas.data !== undefined && !schemaExists))
      ? `schema '${schemaName}'`
      : null,
  ].filter((m) => m !== null);

  return (
    <form onSubmit={submit}>
      <PageHeader
        title="Create table"
        description="Name the table and its columns. The .proto producers compile and the Delta schema update as you type."
      />
      <div className="space-y-4">
        <Panel title="Name">
          <div className="flex flex-wrap items-end gap-3">
            <NameWithSuggestions
              label="Catalog"
              placeholder="main"
              value={catalog}
              suggestions={(catalogs.data ?? []).map((c) => c.name)}
              onChange={setCatalog}
            />
            <span className="pb-2 text-zinc-400">.</span>
            <NameWithSuggestions
              label="Schema"
              placeholder="sales"
              value={schema}
              suggestions={(schemas.data ?? []).map((s) => s.name.slice(catalogName.length + 1))}
              onChange={setSchema}
            />
            <span className="pb-2 text-zinc-400">.</span>
            <TextField
              label="Table name"
              required
              autoComplete="off"
              placeholder="orders"
              className="w-56"
              value={table}
              onChange={(e) => setTable(e.target.value)}
            />
          </div>
          {missing.length === 0 ? null : (
            <div className="mt-3 flex flex-wrap items-center gap-2 text-[13px] text-zinc-600 dark:text-zinc-400">
              <span>
                {missing.join(' and ')} {missing.length === 1 ? 'does' : 'do'} not exist yet; "Create table"
                creates {missing.length === 1 ? 'it' : 'them'} first, or:
              </span>
              {catalogName !== '' && !catalogExists ? (
                <Button
                  size="sm"
                  disabled={createCatalog.isPending}
                  onClick={() => createCatalog.mutate({ name: catalogName })}
                >
                  Create catalog
                </Button>
              ) : null}
              {catalogExists && !schemaExists && schema.trim() !== '' ? (
                <Button
                  size="sm"
                  disabled={createSchema.isPending}
                  onClick={() => createSchema.mutate({ name: schemaName })}
                >
                  Create schema
                </Button>
              ) : null}
            </div>
          )}
          <ErrorMessage error={createCatalog.error ?? createSchema.error} className="mt-3" />
          <TextField
            label="Table comment"
            className="mt-3"
            placeholder="what the table holds (optional)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
        </Panel>

        <Panel
          title={`Columns (${columns.length})`}
          actions={
            <Button size="sm" onClick={() => setColumns([...columns, newField()])}>
              Add column
            </Button>
          }
        >
          <ColumnEditor columns={columns} onChange={setColumns} />
          <div className="mt-3" data-testid="schema-preview-status">
            {preview.error !== null ? (
              <ErrorMessage error={preview.error} />
            ) : previewSettled && preview.data !== undefined ? (
              <p className="text-xs text-emerald-700 dark:text-emerald-400">
                ✓ The catalog accepts these columns.
              </p>
            ) : (
              <p className="text-xs text-zinc-500">Checking…</p>
            )}
          </div>
        </Panel>

        <div className={`grid gap-4 lg:grid-cols-2 ${preview.error === null ? '' : 'opacity-60'}`}>
          <Panel title=".proto">
            {preview.data === undefined ? (
              <p className="text-xs text-zinc-500">The preview appears once the columns are valid.</p>
            ) : preview.data.protoError !== null ? (
              <Banner>
                No protobuf form: {preview.data.protoError}. JSON streams can still write to this table.
              </Banner>
            ) : (
              <CodeBlock code={preview.data.proto} />
            )}
          </Panel>
          <Panel title="Delta schema">
            {preview.data === undefined ? (
              <p className="text-xs text-zinc-500">The preview appears once the columns are valid.</p>
            ) : (
              <CodeBlock code={JSON.stringify(preview.data.deltaSchema, null, 2)} />
            )}
          </Panel>
        </div>

        <ErrorMessage error={submitError} />
        <div className="flex justify-end gap-2">
          <ButtonLink href="/tables">Cancel</ButtonLink>
          <Button type="submit" variant="primary" disabled={submitting}>
            {submitting ? 'Creating…' : 'Create table'}
          </Button>
        </div>
      </div>
    </form>
  );
}
