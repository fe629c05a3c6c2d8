/**
 * ISO-8601 timestamps and dates as they arrive in JSON records, converted to the Arrow units: microseconds
 * since 1970-01-01T00:00:00Z for Timestamp(µs, "UTC"), days since 1970-01-01 for DateDay. Only the
 * RFC 3339 profile is accepted: four-digit years, a zone (`Z` or `±hh:mm`) on every timestamp, since a
 * timestamp without one names no instant.
 */

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Looks like a timestamp but lacks the zone: worth its own message. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The days since the epoch of a valid calendar date, or a reason it is not one. */
function civilDays(year: number, month: number, day: number): number | string {
  if (month < 1 || month > 12) return `month ${month} is not 1 to 12`;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > monthDays) return `day ${day} is not in month ${month} of ${year}`;
  return daysFromCivil(year, month, day);
}

/**
 * Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` (`t` or a space may replace `T`) to microseconds since
 * the epoch. Digits beyond the sixth of the fraction are truncated (the column holds microseconds).
 * Returns a reason in words when the text is not such a timestamp.
 */
export function parseIsoTimestamp(text: string): bigint | string {
  const m = TIMESTAMP.exec(text);
  if (m === null) {
    return ZONELESS.test(text)
      ? 'an ISO-8601 timestamp needs a zone (Z or ±hh:mm)'
      : 'not an ISO-8601 timestamp (YYYY-MM-DDThh:mm:ss[.ffffff]Z or ±hh:mm) nor integer microseconds';
  }
  const days = civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (typeof days === 'string') return days;
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) return `time ${m[4]}:${m[5]}:${m[6]} is not valid`;
  let zoneSeconds = 0;
  if (m[8] !== undefined) {
    const zoneHour = Number(m[9]);
    const zoneMinute = Number(m[10]);
    if (zoneHour > 23 || zoneMinute > 59) return `zone offset ${m[8]}${m[9]}:${m[10]} is not valid`;
    zoneSeconds = (m[8] === '-' ? -1 : 1) * (zoneHour * 3600 + zoneMinute * 60);
  }
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 6).padEnd(6, '0'));
  const seconds = days * 86400 + hour * 3600 + minute * 60 + second - zoneSeconds;
  return BigInt(seconds) * 1_000_000n + BigInt(fraction);
}

/** Parses `YYYY-MM-DD` to days since the epoch, or returns a reason in words when it is not such a date. */
export function parseIsoDate(text: string): number | string {
  const m = DATE.exec(text);
  if (m === null) return 'not an ISO-8601 date (YYYY-MM-DD) nor integer days since 1970-01-01';
  return civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
}
