import { ConfigError } from './config-error.js';
import { CONFIG_OPTIONS, type ConfigOption, type Options } from './options.js';

/*
 * Reading argv and the environment: `--flag value`, `--flag=value`, `--switch`, else `LAKESTREAM_*`, else the
 * option's default. What does not parse becomes one problem line each.
 */

/** Every option's value (or `undefined`: not given and no default, or did not parse). */
export type Values = {
  [K in keyof Options]: Options[K] extends ConfigOption<infer T> ? T | undefined : never;
};

/** `--flag value` / `--flag=value` / `--switch` → raw strings by flag; problems for the rest. */
function readArgv(argv: readonly string[], problems: string[]): Map<string, string> {
  const byFlag = new Map<string, ConfigOption>(
    Object.values(CONFIG_OPTIONS).map((o) => [o.flag, o as ConfigOption]),
  );
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument '${arg}' (options start with --; see --help)`);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const spec = byFlag.get(flag);
    if (spec === undefined) {
      problems.push(`${flag}: unknown option (see --help)`);
      continue;
    }
    if (eq >= 0) raw.set(flag, arg.slice(eq + 1));
    else if (spec.isSwitch) raw.set(flag, 'true');
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) raw.set(flag, argv[++i]!);
    else problems.push(`${flag}: expected a value (${spec.kind.expected})`);
  }
  return raw;
}

/** Every option's value, which were given (flag or variable), and the problems of the rest. */
export function readValues(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
) {
  const flags = readArgv(argv, problems);
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [key, spec] of Object.entries(CONFIG_OPTIONS) as [string, ConfigOption][]) {
    const read = optionValue(spec, flags.get(spec.flag), env, problems);
    values[key] = read.value;
    if (read.given) given.add(key);
  }
  return { values: values as Values, given };
}

/** One option's value: its flag's text, else its variable, else its default; what does not parse goes to `problems`. */
function optionValue<T>(
  spec: ConfigOption<T>,
  fromFlag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): { value: T | undefined; given: boolean } {
  const fromEnv = env[spec.env];
  const [source, text] =
    fromFlag !== undefined ? [spec.flag, fromFlag] : [spec.env, fromEnv === '' ? undefined : fromEnv];
  if (text === undefined) return { value: spec.default, given: false };
  const parsed = spec.kind.schema.safeParse(text);
  if (parsed.success) return { value: parsed.data, given: true };
  problems.push(`${source}: expected ${spec.kind.expected}, got '${text}'`);
  return { value: undefined, given: true };
}

/**
 * One option's value for the node's other commands (`lakestream-ingest held …`): `flagText` if given, else
 * its `LAKESTREAM_*` variable, else its default. Throws `ConfigError` when the text does not parse.
 */
export function readOption<T>(
  spec: ConfigOption<T>,
  flagText: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): T | undefined {
  const problems: string[] = [];
  const { value } = optionValue(spec, flagText, env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}
