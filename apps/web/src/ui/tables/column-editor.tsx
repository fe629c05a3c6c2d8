'use client';

import { type ReactNode, useId } from 'react';
import { Button } from '../button';
import { inputBaseClass } from '../field';
import {
  defaultType,
  type FieldDraft,
  moveItem,
  newField,
  TYPE_KINDS,
  type TypeDraft,
  type TypeKind,
} from './column-model';

/*
 * The create-table column editor: rows of name, type, nullable and comment; structs open a list of fields,
 * arrays an element type, maps a key and a value type, to any depth. Every control has a real <label> (visually
 * hidden, the header row shows the words) named by its place: "Column 2 name", "Column 2 field 1 type",
 * "Column 3 element type", "Column 4 value type", so tests and screen readers can find each one.
 */

const TYPE_LABELS: Partial<Record<TypeKind, string>> = { decimal: 'decimal(p,s)' };

const ROW_GRID =
  'grid grid-cols-[minmax(9rem,13rem)_minmax(13rem,17rem)_6rem_minmax(8rem,1fr)_auto] items-center gap-2';

const smallInput = `${inputBaseClass} h-7 py-1 text-[13px]`;

function SrLabel({ htmlFor, children }: { htmlFor: string; children: string }) {
  return (
    <label htmlFor={htmlFor} className="sr-only">
      {children}
    </label>
  );
}

/** A type select labelled `${place} type`, with `${place} precision` and `${place} scale` for decimals. */
function TypeSelect({
  type,
  place,
  onChange,
}: {
  type: TypeDraft;
  place: string;
  onChange: (type: TypeDraft) => void;
}) {
  const id = useId();
  return (
    <div className="flex min-w-0 items-center gap-1">
      <SrLabel htmlFor={`${id}-kind`}>{`${place} type`}</SrLabel>
      <select
        id={`${id}-kind`}
        className={`${smallInput} w-full min-w-0 flex-1 font-mono`}
        value={type.kind}
        onChange={(e) => onChange(defaultType(e.target.value as TypeKind))}
      >
        {TYPE_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {TYPE_LABELS[kind] ?? kind}
          </option>
        ))}
      </select>
      {type.kind === 'decimal' ? (
        <>
          <SrLabel htmlFor={`${id}-p`}>{`${place} precision`}</SrLabel>
          <input
            id={`${id}-p`}
            type="number"
            min={1}
            max={38}
            title="precision"
            className={`${smallInput} w-14 tabular-nums`}
            value={type.precision}
            onChange={(e) => onChange({ ...type, precision: e.target.valueAsNumber || 0 })}
          />
          <SrLabel htmlFor={`${id}-s`}>{`${place} scale`}</SrLabel>
          <input
            id={`${id}-s`}
            type="number"
            min={0}
            max={38}
            title="scale"
            className={`${smallInput} w-14 tabular-nums`}
            value={type.scale}
            onChange={(e) => onChange({ ...type, scale: e.target.valueAsNumber || 0 })}
          />
        </>
      ) : null}
    </div>
  );
}

/** A checkbox whose label is `${place} ${word}`, showing only `word`. */
function PlacedCheckbox({
  place,
  word,
  checked,
  onChange,
}: {
  place: string;
  word: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-1.5">
      <input
        id={id}
        type="checkbox"
        className="size-3.5 accent-sky-600"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="text-xs text-zinc-600 dark:text-zinc-400">
        <span className="sr-only">{place} </span>
        {word}
      </label>
    </div>
  );
}

/** The children of a nested type (a struct's fields, an array's element, a map's key and value), indented. */
function NestedType({
  type,
  label,
  onChange,
}: {
  type: TypeDraft;
  label: string;
  onChange: (type: TypeDraft) => void;
}) {
  if (type.kind === 'struct') {
    return (
      <div className="mt-1.5 ml-4 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
        <FieldList
          fields={type.fields}
          placeOf={(i) => `${label} field ${i + 1}`}
          noun="field"
          owner={label}
          onChange={(fields) => onChange({ ...type, fields })}
        />
      </div>
    );
  }
  if (type.kind === 'array') {
    return (
      <div className="mt-1.5 ml-4 space-y-1.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
        <PartRow
          word="element"
          label={`${label} element`}
          type={type.element}
          onChange={(element) => onChange({ ...type, element })}
        >
          <PlacedCheckbox
            place={label}
            word="contains null"
            checked={type.containsNull}
            onChange={(containsNull) => onChange({ ...type, containsNull })}
          />
        </PartRow>
      </div>
    );
  }
  if (type.kind === 'map') {
    return (
      <div className="mt-1.5 ml-4 space-y-1.5 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
        <PartRow
          word="key"
          label={`${label} key`}
          type={type.key}
          onChange={(key) => onChange({ ...type, key })}
        />
        <PartRow
          word="value"
          label={`${label} value`}
          type={type.value}
          onChange={(value) => onChange({ ...type, value })}
        >
          <PlacedCheckbox
            place={label}
            word="value contains null"
            checked={type.valueContainsNull}
            onChange={(valueContainsNull) => onChange({ ...type, valueContainsNull })}
          />
        </PartRow>
      </div>
    );
  }
  return null;
}

/** One part of an array or map: its word (element, key, value), its type, and what nests below it. */
function PartRow({
  word,
  label,
  type,
  onChange,
  children,
}: {
  word: string;
  label: string;
  type: TypeDraft;
  onChange: (type: TypeDraft) => void;
  children?: ReactNode;
}) {
  return (
    <div>
      <div className={ROW_GRID}>
        <span className="font-mono text-xs text-zinc-500 italic dark:text-zinc-400">{word}</span>
        <TypeSelect type={type} place={label} onChange={onChange} />
        <div className="col-span-2">{children}</div>
        <span />
      </div>
      <NestedType type={type} label={label} onChange={onChange} />
    </div>
  );
}

/** One column or field: name, type, nullable, comment, and move up/down/remove. */
function FieldRow({
  field,
  place,
  first,
  last,
  onChange,
  onMove,
  onRemove,
}: {
  field: FieldDraft;
  place: string;
  first: boolean;
  last: boolean;
  onChange: (field: FieldDraft) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = useId();
  return (
    <div data-testid="column-row">
      <div className={ROW_GRID}>
        <div>
          <SrLabel htmlFor={`${id}-name`}>{`${place} name`}</SrLabel>
          <input
            id={`${id}-name`}
            className={`${smallInput} w-full font-mono`}
            placeholder="name"
            value={field.name}
            onChange={(e) => onChange({ ...field, name: e.target.value })}
          />
        </div>
        <TypeSelect type={field.type} place={place} onChange={(type) => onChange({ ...field, type })} />
        <PlacedCheckbox
          place={place}
          word="nullable"
          checked={field.nullable}
          onChange={(nullable) => onChange({ ...field, nullable })}
        />
        <div>
          <SrLabel htmlFor={`${id}-comment`}>{`${place} comment`}</SrLabel>
          <input
            id={`${id}-comment`}
            className={`${smallInput} w-full`}
            placeholder="comment (optional)"
            value={field.comment}
            onChange={(e) => onChange({ ...field, comment: e.target.value })}
          />
        </div>
        <div className="flex items-center justify-end gap-0.5">
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Move ${place} up`}
            disabled={first}
            onClick={() => onMove(-1)}
          >
            ↑
          </Button>
          <Button
            size="sm"
            variant="ghost"
            aria-label={`Move ${place} down`}
            disabled={last}
            onClick={() => onMove(1)}
          >
            ↓
          </Button>
          <Button size="sm" variant="ghost" aria-label={`Remove ${place}`} onClick={onRemove}>
            Remove
          </Button>
        </div>
      </div>
      <NestedType type={field.type} label={place} onChange={(type) => onChange({ ...field, type })} />
    </div>
  );
}

/** A list of columns or struct fields, with "Add column" / "Add field". */
function FieldList({
  fields,
  placeOf,
  noun,
  owner,
  onChange,
}: {
  fields: readonly FieldDraft[];
  placeOf: (index: number) => string;
  noun: 'column' | 'field';
  owner?: string;
  onChange: (fields: FieldDraft[]) => void;
}) {
  return (
    <div className="space-y-1.5">
      {fields.map((field, i) => (
        <FieldRow
          key={field.id}
          field={field}
          place={placeOf(i)}
          first={i === 0}
          last={i === fields.length - 1}
          onChange={(changed) => onChange(fields.map((f, j) => (j === i ? changed : f)))}
          onMove={(delta) => onChange(moveItem(fields, i, delta))}
          onRemove={() => onChange(fields.filter((_, j) => j !== i))}
        />
      ))}
      {noun === 'field' ? (
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Add field to ${owner ?? 'struct'}`}
          onClick={() => onChange([...fields, newField()])}
        >
          + Add field
        </Button>
      ) : null}
    </div>
  );
}

/**
 * The column editor of the create-table page. `columns` is the whole list (controlled); the page's panel
 * header holds "Add column", so it stays in reach however long the list grows.
 */
export function ColumnEditor({
  columns,
  onChange,
}: {
  columns: readonly FieldDraft[];
  onChange: (columns: FieldDraft[]) => void;
}) {
  return (
    <div className="overflow-x-auto">
      <div className="min-w-[62rem]">
        <div
          className={`${ROW_GRID} mb-1.5 border-b border-zinc-200 pb-1.5 text-xs font-medium text-zinc-500 dark:border-zinc-800 dark:text-zinc-400`}
          aria-hidden="true"
        >
          <span>Name</span>
          <span>Type</span>
          <span>Nullable</span>
          <span>Comment</span>
          <span />
        </div>
        {columns.length === 0 ? (
          <p className="py-3 text-sm text-zinc-500 dark:text-zinc-400">
            No columns — add one; a table needs at least one.
          </p>
        ) : null}
        <FieldList fields={columns} placeOf={(i) => `Column ${i + 1}`} noun="column" onChange={onChange} />
      </div>
    </div>
  );
}
