'use client';

import { type FormEvent, useState } from 'react';
import { Button } from '../../../../../src/ui/button';
import { SelectField, TextField } from '../../../../../src/ui/field';
import { FILTER_LABELS, type FilterOp, type RecordFilterDraft } from '../../../../../src/ui/records/filters';

/**
 * The filters being composed: one row to add a filter (column, operator, value) and the filters so far, each
 * removable. Filters are ANDed; the page applies them with "Show rows".
 */
export function RecordFilters({
  columns,
  filters,
  onChange,
}: {
  columns: readonly string[];
  filters: readonly RecordFilterDraft[];
  onChange: (filters: RecordFilterDraft[]) => void;
}) {
  const [column, setColumn] = useState(columns[0] ?? '');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const needsValue = op !== 'isNull' && op !== 'isNotNull';
  const add = (event: FormEvent) => {
    event.preventDefault();
    onChange([...filters, needsValue ? { column, op, value } : { column, op }]);
    setValue('');
  };
  return (
    <div className="space-y-2">
      <form onSubmit={add} className="flex flex-wrap items-end gap-2">
        <SelectField
          label="Filter column"
          className="w-44"
          value={column}
          onChange={(e) => setColumn(e.target.value)}
          options={columns.map((c) => ({ value: c, label: c }))}
        />
        <SelectField
          label="Filter operator"
          className="w-40"
          value={op}
          onChange={(e) => setOp(e.target.value as FilterOp)}
          options={Object.entries(FILTER_LABELS).map(([value, label]) => ({ value, label }))}
        />
        {needsValue ? (
          <TextField
            label="Filter value"
            className="w-56"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        ) : null}
        <Button type="submit" disabled={column === ''}>
          Add filter
        </Button>
      </form>
      {filters.length === 0 ? null : (
        <ul className="flex flex-wrap gap-2" aria-label="Filters" data-testid="record-filters">
          {filters.map((f, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: filters are positional and may repeat
              key={i}
              className="flex items-center gap-1 rounded-full border border-zinc-300 px-2.5 py-0.5 font-mono text-xs dark:border-zinc-700"
            >
              <span>
                {f.column} {FILTER_LABELS[f.op]} {f.value ?? ''}
              </span>
              <button
                type="button"
                className="rounded px-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
                aria-label={`Remove filter ${f.column} ${FILTER_LABELS[f.op]} ${f.value ?? ''}`.trim()}
                onClick={() => onChange(filters.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
