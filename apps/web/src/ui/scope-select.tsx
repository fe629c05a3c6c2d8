'use client';

import { useQuery } from '@tanstack/react-query';
import { SelectField } from './field';
import { useTRPC } from './trpc';

/**
 * Catalog and schema selects ("All catalogs" / "All schemas"); the schema choices are the chosen catalog's.
 * `onChange` gets the new catalog and schema (`''` for all; the schema as `catalog.schema`).
 */
export function ScopeSelect({
  catalog,
  schema,
  onChange,
}: {
  catalog: string;
  schema: string;
  onChange: (catalog: string, schema: string) => void;
}) {
  const trpc = useTRPC();
  const catalogs = useQuery(trpc.catalogs.list.queryOptions());
  const schemas = useQuery({ ...trpc.catalogs.schemas.queryOptions({ catalog }), enabled: catalog !== '' });
  return (
    <>
      <SelectField
        label="Catalog"
        className="w-44"
        value={catalog}
        onChange={(e) => onChange(e.target.value, '')}
        options={[
          { value: '', label: 'All catalogs' },
          ...(catalogs.data ?? []).map((c) => ({ value: c.name, label: c.name })),
        ]}
      />
      <SelectField
        label="Schema"
        className="w-52"
        value={schema}
        disabled={catalog === ''}
        onChange={(e) => onChange(catalog, e.target.value)}
        options={[
          { value: '', label: 'All schemas' },
          ...(catalog === '' ? [] : (schemas.data ?? [])).map((s) => ({ value: s.name, label: s.name })),
        ]}
      />
    </>
  );
}
