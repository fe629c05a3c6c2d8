import type protobuf from 'protobufjs';
import { createPrng, type Prng } from './prng.js';
import { encodeAll, toJsonRecords } from './records.js';
import { clickbenchSchema } from './schemas.js';

const WORDS = [
  'moscow',
  'weather',
  'news',
  'auto',
  'ru',
  'video',
  'music',
  'games',
  'download',
  'free',
  'online',
  'shop',
  'catalog',
  'price',
  'kupit',
  'forum',
  'sport',
  'football',
  'photo',
  'real',
  'estate',
  'travel',
];
const HOSTS = ['yandex.ru', 'mail.ru', 'auto.ru', 'avito.ru', 'vk.com', 'livejournal.com', 'kinopoisk.ru'];
const CHARSETS = ['utf-8', 'windows-1251', 'koi8-r'];
const LANGS = ['ru', 'en', 'uk', 'de', 'tr'];
const COUNTRIES = ['RU', 'UA', 'BY', 'KZ', 'DE', 'US'];
const PHONE_MODELS = ['', '', '', 'iPhone', 'GT-I9300', 'Nexus 4'];

const words = (rng: Prng, n: number, sep: string): string =>
  Array.from({ length: n }, () => rng.pick(WORDS)).join(sep);

/** A URL of roughly 80..200 characters. */
function url(rng: Prng): string {
  const query = Array.from({ length: rng.int(7, 13) }, () => `${rng.pick(WORDS)}=${rng.u32().toString(36)}`);
  return `http://${rng.pick(HOSTS)}/${words(rng, rng.int(3, 7), '/')}/${rng.u32()}.html?${query.join('&')}`;
}

/** A random signed 64-bit value (hashes, ids): about half of them negative, so 10-byte varints. */
function hash64(rng: Prng): LongBits {
  return { low: rng.u32() | 0, high: rng.u32() | 0, unsigned: false };
}

/** A positive 63-bit id (WatchID, UserID). */
function id64(rng: Prng): LongBits {
  return { low: rng.u32() | 0, high: (rng.u32() & 0x3fffffff) | 0x10000000, unsigned: false };
}

/** A 64-bit value as protobufjs's encoder accepts it (the shape of a `Long`). */
interface LongBits {
  low: number;
  high: number;
  unsigned: boolean;
}

type Gen = (rng: Prng) => unknown;

/** Value generators for the fields that carry text or ids; every other int32 gets a small non-zero value. */
const SPECIAL: Record<string, Gen> = {
  WatchID: id64,
  UserID: id64,
  FUniqID: id64,
  RefererHash: hash64,
  URLHash: hash64,
  EventTime: (rng) => 1_372_636_800 + rng.int(0, 2_678_400),
  ClientEventTime: (rng) => 1_372_636_800 + rng.int(0, 2_678_400),
  LocalEventTime: (rng) => 1_372_636_800 + rng.int(0, 2_678_400),
  ParamPrice: (rng) => (rng.chance(0.1) ? rng.int(100, 1_000_000) : 0),
  EventDate: (rng) => 15_887 + rng.int(0, 30),
  ClientIP: (rng) => rng.u32() | 0,
  RemoteIP: (rng) => rng.u32() | 0,
  CounterID: (rng) => rng.int(1, 200_000),
  RegionID: (rng) => rng.int(1, 20_000),
  ResolutionWidth: (rng) => rng.pick([1024, 1280, 1366, 1440, 1920]),
  ResolutionHeight: (rng) => rng.pick([768, 800, 900, 1050, 1080]),
  WindowClientWidth: (rng) => rng.int(800, 1900),
  WindowClientHeight: (rng) => rng.int(500, 1000),
  ClientTimeZone: (rng) => rng.int(-12, 12),
  Title: (rng) => `${words(rng, rng.int(8, 18), ' ')} — ${rng.pick(HOSTS)}`,
  URL: url,
  Referer: url,
  OriginalURL: (rng) => (rng.chance(0.3) ? url(rng) : ''),
  FlashMinor2: (rng) => String(rng.int(0, 200)),
  UserAgentMinor: (rng) => rng.pick(['0', '1', '5', 'D0']),
  MobilePhoneModel: (rng) => rng.pick(PHONE_MODELS),
  Params: (rng) => (rng.chance(0.1) ? words(rng, 3, ',') : ''),
  SearchPhrase: (rng) => (rng.chance(0.3) ? words(rng, rng.int(1, 4), ' ') : ''),
  PageCharset: (rng) => rng.pick(CHARSETS),
  HitColor: (rng) => rng.pick(['E', 'F', 'T']),
  BrowserLanguage: (rng) => rng.pick(LANGS),
  BrowserCountry: (rng) => rng.pick(COUNTRIES),
  SocialNetwork: (rng) => (rng.chance(0.05) ? 'vkontakte' : ''),
  SocialAction: (rng) => (rng.chance(0.05) ? 'like' : ''),
  SocialSourcePage: (rng) => (rng.chance(0.05) ? url(rng) : ''),
  ParamOrderID: (rng) => (rng.chance(0.05) ? String(rng.u32()) : ''),
  ParamCurrency: (rng) => rng.pick(['RUB', 'RUB', 'USD', 'EUR']),
  OpenstatServiceName: (rng) => (rng.chance(0.05) ? 'yandex_direct' : ''),
  OpenstatCampaignID: (rng) => (rng.chance(0.05) ? String(rng.int(1, 99_999)) : ''),
  OpenstatAdID: (rng) => (rng.chance(0.05) ? String(rng.int(1, 99_999)) : ''),
  OpenstatSourceID: (rng) => (rng.chance(0.05) ? rng.pick(HOSTS) : ''),
  UTMSource: (rng) => (rng.chance(0.2) ? rng.pick(['google', 'yandex', 'vk']) : ''),
  UTMMedium: (rng) => (rng.chance(0.2) ? rng.pick(['cpc', 'email', 'banner']) : ''),
  UTMCampaign: (rng) => (rng.chance(0.2) ? words(rng, 2, '_') : ''),
  UTMContent: (rng) => (rng.chance(0.1) ? words(rng, 2, '_') : ''),
  UTMTerm: (rng) => (rng.chance(0.1) ? words(rng, 2, '+') : ''),
  FromTag: (rng) => (rng.chance(0.1) ? rng.pick(WORDS) : ''),
};

/**
 * The field values of one ClickBench `hits` record (~1 KB encoded: URL, Referer and Title filled, most
 * numeric fields non-zero so proto3 writes them). 64-bit ids and hashes are full-width `Long`s.
 */
export function clickbenchObject(rng: Prng, type: protobuf.Type): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const special = SPECIAL[field.name];
    if (special !== undefined) o[field.name] = special(rng);
    else if (field.type === 'string') o[field.name] = rng.chance(0.5) ? rng.pick(WORDS) : '';
    else if (field.type === 'int64') o[field.name] = rng.int(0, 1_000_000);
    else o[field.name] = rng.chance(0.8) ? rng.int(1, 300) : 0;
  }
  return o;
}

/** `count` ClickBench field-value objects, the same for the same `seed`. */
export function generateClickbenchObjects(count: number, seed: number): Record<string, unknown>[] {
  const rng = createPrng(seed);
  const type = clickbenchSchema().type;
  return Array.from({ length: count }, () => clickbenchObject(rng, type));
}

/** `count` encoded ClickBench records (proto3 wire format, ~1 KB each), the same for the same seed. */
export function generateClickbench(count: number, seed: number): Uint8Array[] {
  return encodeAll(clickbenchSchema().type, generateClickbenchObjects(count, seed));
}

/** The same records as `generateClickbench(count, seed)` as JSON texts (int64 as strings). */
export function generateClickbenchAsJson(count: number, seed: number): string[] {
  return toJsonRecords(clickbenchSchema().type, generateClickbench(count, seed));
}
