import type { DeltaStructField, DeltaStructType, DeltaType } from '@lakestream/catalog';
import type { ReactNode } from 'react';
import { Badge } from '../table';
import { typeLabel } from './type-label';

/** The nested parts of `type` as tree nodes: a struct's fields, an array's element, a map's key and value. */
function Children({ type }: { type: DeltaType }) {
  if (typeof type === 'string') return null;
  if (type.type === 'struct') return <Fields fields={type.fields} nested />;
  const parts =
    type.type === 'array'
      ? [{ word: 'element', type: type.elementType, nullable: type.containsNull }]
      : [
          { word: 'key', type: type.keyType, nullable: false },
          { word: 'value', type: type.valueType, nullable: type.valueContainsNull },
        ];
  return (
    <ul className="ml-3 border-l border-zinc-200 pl-3 dark:border-zinc-700">
      {parts.map((part) => (
        <li key={part.word} className="py-0.5">
          <Line
            name={<span className="text-zinc-500 italic">{part.word}</span>}
            type={part.type}
            nullable={part.nullable}
          />
          <Children type={part.type} />
        </li>
      ))}
    </ul>
  );
}

function Line({
  name,
  type,
  nullable,
  comment,
}: {
  name: ReactNode;
  type: DeltaType;
  nullable: boolean;
  comment?: string;
}) {
  return (
    <div className="flex flex-wrap items-baseline gap-x-2 font-mono text-[13px]">
      <span className="font-medium text-zinc-900 dark:text-zinc-100">{name}</span>
      <span className="text-sky-700 dark:text-sky-400">{typeLabel(type)}</span>
      {nullable ? null : <Badge>not null</Badge>}
      {comment === undefined ? null : (
        <span className="font-sans text-xs text-zinc-500 dark:text-zinc-400">— {comment}</span>
      )}
    </div>
  );
}

function Fields({ fields, nested }: { fields: readonly DeltaStructField[]; nested: boolean }) {
  return (
    <ul className={nested ? 'ml-3 border-l border-zinc-200 pl-3 dark:border-zinc-700' : ''}>
      {fields.map((field) => {
        const comment = field.metadata.comment;
        return (
          <li key={field.name} className="py-0.5">
            <Line
              name={field.name}
              type={field.type}
              nullable={field.nullable}
              {...(typeof comment === 'string' ? { comment } : {})}
            />
            <Children type={field.type} />
          </li>
        );
      })}
    </ul>
  );
}

/** A table's Delta schema as a tree: each column with its type, not-null and comment; nested types below. */
export function SchemaTree({ schema }: { schema: DeltaStructType }) {
  return (
    <div data-testid="schema-tree">
      <Fields fields={schema.fields} nested={false} />
    </div>
  );
}
