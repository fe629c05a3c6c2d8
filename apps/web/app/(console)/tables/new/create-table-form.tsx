'use client';

import { identifierProblem, type NameKind } from '@lakestream/catalog/contract';
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

/** Why a typed catalog, schema or table name breaks the catalog's rules, or undefined (also while empty). */
function nameProblem(typed: string, kind: NameKind): string | undefined {
  const name = typed.trim().toLowerCase();
  return name === '' ? undefined : identifierProblem(name, kind);
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
  // A refusal of "Create table" is kept with the form it refused, so it goes once the form changes.
  const [submitError, setSubmitError] = useState<{ form: string; error: unknown } | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const catalogName = catalog.trim().toLowerCase();
  const schemaName = `${catalogName}.${schema.trim().toLowerCase()}`;
  const fullName = `${catalogName}.${schema.trim().toLowerCase()}.${table.trim().toLowerCase()}`;
  const formKey = JSON.stringify([fullName, comment, columns]);
  // The names are checked here with the catalog's own rules (no request per keystroke), each problem once.
  const problems = {
    catalog: nameProblem(catalog, 'catalog'),
    schema: nameProblem(schema, 'schema'),
    table: nameProblem(table, 'table'),
  };
  const namesProblem = problems.catalog ?? problems.schema ?? problems.table;

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

  // The preview checks the columns: placeholder parts stand for names that are incomplete or refused above.
  const previewInput = useMemo(
    () => ({
      name: [
        problems.catalog === undefined ? catalog.trim() || 'catalog' : 'catalog',
        problems.schema === undefined ? schema.trim() || 'schema' : 'schema',
        problems.table === undefined ? table.trim() || 'table' : 'table',
      ].join('.'),
      columns: toColumnsInput(columns),
    }),
    [catalog, schema, table, columns, problems.catalog, problems.schema, problems.table],
  );
  const debouncedPreview = useDebounced(previewInput, 350);
  const preview = useQuery({
    ...trpc.tables.schemaPreview.queryOptions(debouncedPreview),
    enabled: canEdit,
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const previewSettled = debouncedPreview === previewInput && !preview.isFetching;
  const previewResult = preview.data?.valid === true ? preview.data : undefined;
  const previewRefusal = preview.data?.valid === false ? preview.data.reason : preview.error;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitError(null);
    // A refused name or column is already said once, under the names or the columns.
    if (namesProblem !== undefined || (previewSettled && preview.data?.valid === false)) return;
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
      setSubmitError({ form: formKey, error });
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

  // Only valid names may be offered for creation.
  const catalogMissing =
    catalogName !== '' && problems.catalog === undefined && catalogs.data !== undefined && !catalogExists;
  const schemaMissing =
    schema.trim() !== '' &&
    problems.catalog === undefined &&
    problems.schema === undefined &&
    (!catalogExists || (schemas.data !== undefined && !schemaExists));
  const missing = [
    catalogMissing ? `catalog '${catalogName}'` : null,
    schemaMissing ? `schema '${schemaName}'` : null,
  ].filter((m) => m !== null);
  // An inline creation's refusal stays only while the name it was for is still typed.
  const inlineError =
    createCatalog.variables?.name === catalogName
      ? createCatalog.error
      : createSchema.variables?.name === schemaName
        ? createSchema.error
        : null;

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
            <span className="pb-2 text-zinc-500" aria-hidden="true">
              .
            </span>
            <NameWithSuggestions
              label="Schema"
              placeholder="sales"
              value={schema}
              suggestions={(schemas.data ?? []).map((s) => s.name.slice(catalogName.length + 1))}
              onChange={setSchema}
            />
            <span className="pb-2 text-zinc-500" aria-hidden="true">
              .
            </span>
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
              {catalogMissing ? (
                <Button
                  size="sm"
                  disabled={createCatalog.isPending}
                  onClick={() => createCatalog.mutate({ name: catalogName })}
                >
                  Create catalog
                </Button>
              ) : null}
              {catalogExists && schemaMissing ? (
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
          <ErrorMessage error={namesProblem ?? inlineError} className="mt-3" />
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
            {previewRefusal !== null ? (
              <ErrorMessage error={previewRefusal} />
            ) : previewSettled && previewResult !== undefined ? (
              <p className="text-xs text-emerald-700 dark:text-emerald-400">
                ✓ The catalog accepts these columns.
              </p>
            ) : (
              <p className="text-xs text-zinc-500">Checking…</p>
            )}
          </div>
        </Panel>

        <div className={`grid gap-4 lg:grid-cols-2 ${previewRefusal === null ? '' : 'opacity-60'}`}>
          <Panel title=".proto">
            {previewResult === undefined ? (
              <p className="text-xs text-zinc-500">The preview appears once the columns are valid.</p>
            ) : previewResult.protoError !== null ? (
              <Banner>
                No protobuf form: {previewResult.protoError}. JSON streams can still write to this table.
              </Banner>
            ) : (
              <CodeBlock code={previewResult.proto} />
            )}
          </Panel>
          <Panel title="Delta schema">
            {previewResult === undefined ? (
              <p className="text-xs text-zinc-500">The preview appears once the columns are valid.</p>
            ) : (
              <CodeBlock code={JSON.stringify(previewResult.deltaSchema, null, 2)} />
            )}
          </Panel>
        </div>

        <ErrorMessage error={submitError?.form === formKey ? submitError.error : null} />
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
