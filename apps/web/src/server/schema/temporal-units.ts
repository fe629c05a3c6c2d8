import type { DeltaType } from '@lakestream/catalog';

/**
 * What the integer of a temporal Delta type counts, for the comment on its field: the SDKs send the number, so
 * the unit is the one thing a producer cannot read off the `.proto` otherwise.
 */
const UNITS: Record<string, string> = {
  date: 'days since 1970-01-01',
  timestamp: 'microseconds since 1970-01-01T00:00:00Z (UTC)',
};

/**
 * Which unit the integers of a column of type `type` count, in words (arrays: each element; maps: keys,
 * values), or undefined when it holds no date or timestamp at that level: `days since 1970-01-01`.
 */
export function unitsOf(type: DeltaType): string | undefined {
  if (typeof type === 'string') return UNITS[type];
  if (type.type === 'array') {
    const element = unitsOf(type.elementType);
    return element === undefined ? undefined : `each element: ${element}`;
  }
  if (type.type !== 'map') return undefined;
  const parts = [
    typeof type.keyType === 'string' && UNITS[type.keyType] !== undefined
      ? `keys: ${UNITS[type.keyType]}`
      : '',
    typeof type.valueType === 'string' && UNITS[type.valueType] !== undefined
      ? `values: ${UNITS[type.valueType]}`
      : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}
