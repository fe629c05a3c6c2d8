/** A filter's operator, as `records.browse` takes it. */
export type FilterOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'contains' | 'isNull' | 'isNotNull';

/** A filter as the page composes it (the value in words; none for the null tests). */
export interface RecordFilterDraft {
  readonly column: string;
  readonly op: FilterOp;
  readonly value?: string;
}

/** Each operator in words, in the order the operator select lists them. */
export const FILTER_LABELS: Record<FilterOp, string> = {
  eq: '=',
  lt: '<',
  lte: '≤',
  gt: '>',
  gte: '≥',
  contains: 'contains',
  isNull: 'is null',
  isNotNull: 'is not null',
};
