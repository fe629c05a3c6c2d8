/*
 * The ingest node's configuration: command-line flags, then `LAKESTREAM_*` environment variables, then
 * defaults (a flag wins over its variable). `main.ts` runs `loadConfig` (reads and validates, writes nothing),
 * then `prepareDataDir` (the data directory, `node-id`, the admin secret file). The parts, in `config/`:
 *
 * - `value-kinds.ts`: what an option accepts (ports, byte sizes, durations, paths…), as zod schemas;
 * - `options.ts`: `CONFIG_OPTIONS`, every option declared once, its default taken from the layer it configures;
 * - `read-options.ts`: argv and env → values, and `readOption` for the node's other commands;
 * - `load-config.ts`: `loadConfig`, the checks across options, the `IngestConfig` shape;
 * - `data-dir.ts`: `prepareDataDir`;
 * - `config-docs.ts`: `formatConfigHelp` (`--help`) and `formatConfigTable` (README-config.md; a test keeps
 *   the two in step).
 *
 * This file is the module's public face (main.ts, the `held` command, bench/ import from it).
 */

export { formatConfigHelp, formatConfigTable } from './config/config-docs.js';
export { ConfigError } from './config/config-error.js';
export { prepareDataDir } from './config/data-dir.js';
export { type IngestConfig, type LoadedConfig, loadConfig } from './config/load-config.js';
export { CONFIG_OPTIONS, type ConfigOption } from './config/options.js';
export { readOption } from './config/read-options.js';
export { LOG_LEVELS, type LogLevel } from './config/value-kinds.js';
