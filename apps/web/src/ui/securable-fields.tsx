'use client';

import type { SecurableType } from '@lakestream/catalog/contract';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { SelectField, TextField } from './field';
import { SECURABLE_TYPES } from './privileges';
import { useTRPC } from './trpc';

/**
 * The names of every securable of `type` (catalogs, `catalog.schema`s, tables), for suggestions and to ask
 * about known securables only; undefined while they load.
 */
export function useSecurableNames(type: SecurableType): readonly string[] | undefined {
  const trpc = useTRPC();
  const catalogs = useQuery(trpc.catalogs.list.queryOptions());
  const schemas = useQueries({
    queries:
      type === 'schema'
        ? (catalogs.data ?? []).map((c) => trpc.catalogs.schemas.queryOptions({ catalog: c.name }))
        : [],
  });
  const tables = useQuery({ ...trpc.tables.list.queryOptions(), enabled: type === 'table' });
  if (type === 'catalog') return catalogs.data?.map((c) => c.name);
  if (type === 'schema') {
    if (catalogs.data === undefined || schemas.some((q) => q.data === undefined)) return undefined;
    return schemas.flatMap((q) => (q.data ?? []).map((s) => s.name));
  }
  return tables.data?.map((t) => t.name);
}

/**
 * A securable picked by its type (select) and its full name (text with suggestions of the existing ones),
 * labelled `typeLabel` and `nameLabel`. Changing the type clears the name.
 */
export function SecurableFields({
  type,
  name,
  onChange,
  typeLabel,
  nameLabel,
}: {
  type: SecurableType;
  name: string;
  onChange: (type: SecurableType, name: string) => void;
  typeLabel: string;
  nameLabel: string;
}) {
  const names = useSecurableNames(type);
  const listId = useId();
  return (
    <>
      <SelectField
        label={typeLabel}
        className="w-32"
        value={type}
        options={SECURABLE_TYPES.map((t) => ({ value: t, label: t }))}
        onChange={(e) => onChange(e.target.value as SecurableType, '')}
      />
      <TextField
        label={nameLabel}
        list={listId}
        required
        autoComplete="off"
        placeholder={type === 'catalog' ? 'main' : type === 'schema' ? 'main.sales' : 'main.sales.orders'}
        className="w-64"
        value={name}
        onChange={(e) => onChange(type, e.target.value)}
      />
      <datalist id={listId}>
        {(names ?? []).map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}
