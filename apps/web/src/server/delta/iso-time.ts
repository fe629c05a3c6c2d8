/*
 * Exact ISO-8601 text of Delta's temporal values, by integer arithmetic: a JS `Date` holds milliseconds in a
 * double, so it cannot show a microsecond timestamp exactly (`9999-12-31T23:59:59.999999Z` came out as
 * `+010000-01-01T00:00:00.000Z`, and years such as 1599 or 2300 were off by 1 µs).
 */

const MICROS_PER_DAY = 86_400_000_000n;

/** Year, month (1–12) and day of days since 1970-01-01, proleptic Gregorian (H. Hinnant's `civil_from_days`). */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `0001`…`9999`; other years in ISO-8601's expanded form, as JS writes them: `+010000`, `-000001`. */
function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
}

/** Days since 1970-01-01 as `YYYY-MM-DD`: `-719162` → `0001-01-01`, `2932896` → `9999-12-31`. */
export function isoDateFromDays(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Microseconds since 1970-01-01T00:00:00Z as ISO-8601 UTC, exact over the whole int64 range:
 * `253402300799999999n` → `9999-12-31T23:59:59.999999Z`, `-1n` → `1969-12-31T23:59:59.999999Z`. Six
 * fractional digits when the microseconds are not whole milliseconds, else three (`…20.123Z`, as JS writes).
 */
export function isoTimestampFromMicros(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros - days * MICROS_PER_DAY;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY;
  }
  const ofDay = Number(rest);
  const second = Math.floor(ofDay / 1_000_000);
  const fraction = ofDay - second * 1_000_000;
  const time = `${pad(Math.floor(second / 3600), 2)}:${pad(Math.floor(second / 60) % 60, 2)}:${pad(second % 60, 2)}`;
  const digits = fraction % 1000 === 0 ? pad(fraction / 1000, 3) : pad(fraction, 6);
  return `${isoDateFromDays(Number(days))}T${time}.${digits}Z`;
}
