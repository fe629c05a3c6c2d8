import { readFileSync } from 'node:fs';

/** This node's software version: apps/ingest's package.json `version` (read once, from src/ or dist/). */
export const NODE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
