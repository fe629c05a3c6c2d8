import { z } from 'zod';
import { CatalogError } from './catalog-error.js';
import { columnNameProblem, findDuplicateName } from './names.js';

/*
 * Delta column types as they appear in `schemaString` (spec/delta-writer.md, "schemaString"): primitive names
 * (`long`, `decimal(10,2)`, …) and struct, array and map objects, nested to any depth. `timestamp_ntz` is
 * refused: it needs a Delta table feature our writer does not implement.
 */

// The shapes are @lakestream/delta's (the writer's own definition of `schemaString`); the catalog adds the
// validation of what users type in.
import type {
  DeltaArrayType,
  DeltaMapType,
  DeltaStructField,
  DeltaStructType,
  DeltaType,
  JsonValue,
} from '@lakestream/delta';

export type { DeltaArrayType, DeltaMapType, DeltaStructField, DeltaStructType, DeltaType, JsonValue };

/** A primitive type name, normalised (`decimal(10,2)`, `long`, …). */
export type DeltaPrimitiveType = string;

/** The primitive type names Delta writes in `schemaString`, besides `decimal(p,s)`. */
export const DELTA_PRIMITIVE_TYPES = [
  'boolean',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'date',
  'timestamp',
] as const;

const PRIMITIVES = new Set<string>(DELTA_PRIMITIVE_TYPES);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;
/** SQL spellings people type, and the Delta name they mean. */
const ALIASES: Record<string, string> = {
  int: 'integer',
  bigint: 'long',
  smallint: 'short',
  tinyint: 'byte',
  bool: 'boolean',
  real: 'float',
  varchar: 'string',
  text: 'string',
  decimal: 'decimal(10,0)',
  numeric: 'decimal(10,0)',
  datetime: 'timestamp',
};

/** Why `name` is not a Delta primitive type, or `undefined`; `name` must already be lower-cased. */
function primitiveProblem(name: string): string | undefined {
  if (PRIMITIVES.has(name)) return undefined;
  const decimal = DECIMAL.exec(name);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > 38) return `${name}: the precision must be between 1 and 38`;
    if (scale > precision) return `${name}: the scale cannot exceed the precision`;
    return undefined;
  }
  if (name === 'timestamp_ntz') {
    return "timestamp_ntz needs the timestampNtz table feature, which Lakestream does not write; use 'timestamp'";
  }
  const alias = ALIASES[name];
  if (alias !== undefined) return `unknown type '${name}' (did you mean '${alias}'?)`;
  return `unknown type '${name}'; expected one of ${DELTA_PRIMITIVE_TYPES.join(', ')} or decimal(p,s)`;
}

const primitiveTypeSchema = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .superRefine((name, ctx) => {
    const problem = primitiveProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((name) => {
    const decimal = DECIMAL.exec(name);
    return decimal === null ? name : `decimal(${Number(decimal[1])},${Number(decimal[2])})`;
  });

const columnNameSchema = z.string().superRefine((name, ctx) => {
  const problem = columnNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const metadataSchema = z.record(z.string(), z.json());

/** Input of a struct field: `nullable` defaults to true and `metadata` to `{}`. */
interface DeltaStructFieldInput {
  name: string;
  type: DeltaTypeInput;
  nullable?: boolean | undefined;
  metadata?: { [key: string]: JsonValue } | undefined;
}

/** What `deltaTypeSchema` accepts: like `DeltaType`, with defaults for the booleans and metadata. */
export type DeltaTypeInput =
  | string
  | { type: 'struct'; fields: DeltaStructFieldInput[] }
  | { type: 'array'; elementType: DeltaTypeInput; containsNull?: boolean | undefined }
  | {
      type: 'map';
      keyType: DeltaTypeInput;
      valueType: DeltaTypeInput;
      valueContainsNull?: boolean | undefined;
    };

/** Adds an issue at `fields[i].name` for the first name equal to an earlier one ignoring case. */
function refineUniqueNames(names: readonly string[], ctx: z.RefinementCtx, prefix: PropertyKey[]): void {
  const duplicate = findDuplicateName(names);
  if (duplicate === undefined) return;
  ctx.addIssue({
    code: 'custom',
    path: [...prefix, duplicate.index, 'name'],
    message: `duplicate column name '${duplicate.name}' (same as '${duplicate.earlier}' ignoring case)`,
  });
}

/** `deltaTypeSchema`, referenced lazily where types nest. */
const nestedTypeSchema = z.lazy((): z.ZodType<DeltaType, DeltaTypeInput> => deltaTypeSchema);

const structTypeSchema = z
  .strictObject({
    type: z.literal('struct'),
    fields: z.array(
      z.strictObject({
        name: columnNameSchema,
        type: nestedTypeSchema,
        nullable: z.boolean().default(true),
        metadata: metadataSchema.default({}),
      }),
    ),
  })
  .superRefine((struct, ctx) =>
    refineUniqueNames(
      struct.fields.map((f) => f.name),
      ctx,
      ['fields'],
    ),
  );

/**
 * The zod schema of a Delta type (input: the JSON people write; output: the normalised `DeltaType`, with
 * lower-cased primitive names, `decimal(p,s)` without spaces and defaults filled in). Struct field names follow
 * the Delta column-name rules and are unique case-insensitively.
 */
export const deltaTypeSchema: z.ZodType<DeltaType, DeltaTypeInput> = z.union(
  [
    primitiveTypeSchema,
    z.discriminatedUnion(
      'type',
      [
        structTypeSchema,
        z.strictObject({
          type: z.literal('array'),
          elementType: nestedTypeSchema,
          containsNull: z.boolean().default(true),
        }),
        z.strictObject({
          type: z.literal('map'),
          keyType: nestedTypeSchema,
          valueType: nestedTypeSchema,
          valueContainsNull: z.boolean().default(true),
        }),
      ],
      { error: 'expected a type object whose "type" is "struct", "array" or "map"' },
    ),
  ],
  {
    error:
      'expected a Delta type: a name such as "long" or "decimal(10,2)", or a struct, array or map object',
  },
);

/** A top-level column as the catalog stores it. */
export interface ColumnDefinition {
  name: string;
  type: DeltaType;
  nullable: boolean;
  /** Stored as the field's `metadata.comment` in the Delta schema. */
  comment?: string | undefined;
}

/** Input of a column: `nullable` defaults to true. */
export type ColumnInput = Omit<ColumnDefinition, 'type' | 'nullable'> & {
  type: DeltaTypeInput;
  nullable?: boolean | undefined;
};

const columnSchema = z.strictObject({
  name: columnNameSchema,
  type: deltaTypeSchema,
  nullable: z.boolean().default(true),
  comment: z.string().optional(),
});

/** The zod schema of a table's column list: at least one column, names unique case-insensitively. */
export const columnsSchema = z
  .array(columnSchema)
  .min(1, 'a table needs at least one column')
  .superRefine((columns, ctx) =>
    refineUniqueNames(
      columns.map((c) => c.name),
      ctx,
      [],
    ),
  );

/**
 * A readable location for a zod issue path over `input` (the raw column list or type): column and field names
 * joined by dots, with `element`, `key` and `value` for array and map parts, like `address.zip` or
 * `tags.value.id`. Falls back to the structural path where the input does not have the expected shape.
 */
function describePath(input: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let value: unknown = input;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const next = (value as Record<PropertyKey, unknown> | undefined)?.[key as never];
    if (typeof key === 'number') {
      const name = (next as { name?: unknown } | undefined)?.name;
      parts.push(typeof name === 'string' && name !== '' ? name : `[${key}]`);
    } else if (key === 'elementType') parts.push('element');
    else if (key === 'keyType') parts.push('key');
    else if (key === 'valueType') parts.push('value');
    else if (key !== 'fields' && key !== 'type' && key !== 'name') parts.push(String(key));
    value = typeof next === 'object' && next !== null ? next : undefined;
  }
  return parts.join('.');
}

/** Every leaf issue of `issues`, with absolute paths; a failed union reports its most specific branch. */
function flattenIssues(issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = issue.errors.find(
        (b) => !b.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (branch !== undefined) {
        out.push(...flattenIssues(branch, path));
        continue;
      }
    }
    out.push({ ...issue, path });
  }
  return out;
}

/** A `CatalogError('INVALID_TYPE')` listing every issue with its column path. */
function typeError(input: unknown, issues: readonly z.core.$ZodIssue[], what: string): CatalogError {
  const problems = flattenIssues(issues).map((issue) => {
    const where = describePath(input, issue.path);
    return where === '' ? issue.message : `${what} ${where}: ${issue.message}`;
  });
  return new CatalogError('INVALID_TYPE', problems.join('; '));
}

/**
 * Validates and normalises a column list (names, types, nullability, comments). Throws
 * `CatalogError('INVALID_TYPE')` naming each bad column by its path, e.g.
 * `column address.zip: unknown type 'strin'`.
 */
export function parseColumns(input: unknown): ColumnDefinition[] {
  const result = columnsSchema.safeParse(input);
  if (!result.success) throw typeError(input, result.error.issues, 'column');
  return result.data.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    ...(c.comment === undefined ? {} : { comment: c.comment }),
  }));
}

/** Validates and normalises one Delta type. Throws `CatalogError('INVALID_TYPE')` with the path inside it. */
export function parseDeltaType(input: unknown): DeltaType {
  const result = deltaTypeSchema.safeParse(input);
  if (!result.success) throw typeError(input, result.error.issues, 'at');
  return result.data;
}

/** The table's Delta schema (`schemaString` as an object) of its columns; comments go to `metadata.comment`. */
export function toDeltaSchema(columns: readonly ColumnDefinition[]): DeltaStructType {
  return {
    type: 'struct',
    fields: columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      metadata: c.comment === undefined ? {} : { comment: c.comment },
    })),
  };
}
