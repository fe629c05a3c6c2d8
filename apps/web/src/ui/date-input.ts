/**
 * The end (23:59:59.999, local time) of the day an `<input type="date">` holds (`2026-12-31`), in ms, or
 * undefined when it is empty or not a date. Expiry dates are inclusive: a credential expiring "on the 31st"
 * works all that day.
 */
export function endOfDay(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const at = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).getTime();
  return Number.isNaN(at) ? undefined : at;
}
