/**
 * The kinds of alert rule and what each one's numbers mean, without a database: the catalog validates rules
 * with them, the console's evaluator decides breaches with `isBreached`, and the Alerts page labels them.
 *
 * - `publish_lag`: the age of the oldest acked record not yet in its Delta table (time to table), in
 *   seconds, of one table or of the worst table; breached above the threshold.
 * - `errors_per_sec`: failed streams per second, of one table or of all; breached above the threshold.
 * - `node_unreachable`: how long an ingest node has been unreachable (a registered node not beating, a
 *   node whose admin API does not answer), in seconds, of one node or of the worst; breached at or above.
 * - `credential_expiring`: days until an OAuth credential (not revoked) expires — negative once expired — of
 *   one credential or of the soonest; breached at or below.
 */
export const ALERT_KINDS = [
  'publish_lag',
  'errors_per_sec',
  'node_unreachable',
  'credential_expiring',
] as const;
/** One of `ALERT_KINDS`. */
export type AlertKind = (typeof ALERT_KINDS)[number];

/** How a kind reads: its words, its unit, what it may be narrowed to, and which side of the threshold is bad. */
export interface AlertKindInfo {
  /** A short label (`Publish lag`). */
  readonly label: string;
  /** The unit of its value and threshold (`s`, `errors/s`, `days`). */
  readonly unit: string;
  /** What `target` names: a table (`main.sales.orders`), a node (id or admin address), a credential (client id). */
  readonly target: 'table' | 'node' | 'credential';
  /** `above`: value > threshold; `at_or_above`: value ≥ threshold; `at_or_below`: value ≤ threshold. */
  readonly breachedWhen: 'above' | 'at_or_above' | 'at_or_below';
}

/** What each kind means (see `ALERT_KINDS`). */
export const ALERT_KIND_INFO: Readonly<Record<AlertKind, AlertKindInfo>> = {
  publish_lag: { label: 'Publish lag', unit: 's', target: 'table', breachedWhen: 'above' },
  errors_per_sec: { label: 'Errors per second', unit: 'errors/s', target: 'table', breachedWhen: 'above' },
  node_unreachable: { label: 'Node unreachable', unit: 's', target: 'node', breachedWhen: 'at_or_above' },
  credential_expiring: {
    label: 'Credential expiring',
    unit: 'days',
    target: 'credential',
    breachedWhen: 'at_or_below',
  },
};

/** Whether `value` breaches `threshold` for a rule of `kind`. */
export function isBreached(kind: AlertKind, value: number, threshold: number): boolean {
  switch (ALERT_KIND_INFO[kind].breachedWhen) {
    case 'above':
      return value > threshold;
    case 'at_or_above':
      return value >= threshold;
    case 'at_or_below':
      return value <= threshold;
  }
}

/** The condition in words: `publish lag of main.sales.orders above 30 s`, `credential expiring (any) within 7 days`. */
export function describeCondition(rule: {
  kind: AlertKind;
  target: string | null;
  threshold: number;
}): string {
  const info = ALERT_KIND_INFO[rule.kind];
  const of = rule.target === null ? `any ${info.target}` : rule.target;
  const op = { above: 'above', at_or_above: 'for at least', at_or_below: 'within' }[info.breachedWhen];
  return `${info.label.toLowerCase()} of ${of} ${op} ${rule.threshold} ${info.unit}`;
}

/** Why a webhook URL is refused, or null: it must be an absolute `http:` or `https:` URL without credentials. */
export function webhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the webhook URL '${url}' is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `the webhook URL must start with http:// or https://, not ${parsed.protocol}`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'the webhook URL must not hold a user name or password (put a token in its path or query instead)';
  }
  return null;
}
