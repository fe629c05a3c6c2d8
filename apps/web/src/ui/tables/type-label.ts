import type { DeltaType } from '@lakestream/catalog';

/**
 * A Delta type in one short line, the way SQL engines print it: `long`, `decimal(10,2)`, `struct<2 fields>`,
 * `array<string>`, `map<string, struct<3 fields>>`. The schema tree shows nested fields under it.
 */
export function typeLabel(type: DeltaType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct':
      return `struct<${type.fields.length} ${type.fields.length === 1 ? 'field' : 'fields'}>`;
    case 'array':
      return `array<${typeLabel(type.elementType)}>`;
    case 'map':
      return `map<${typeLabel(type.keyType)}, ${typeLabel(type.valueType)}>`;
  }
}
