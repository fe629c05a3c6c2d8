import { CLICKBENCH_PROTO } from './clickbench-proto.js';
import { type LoadedSchema, loadSchema } from './descriptor-bytes.js';
import { NEOWISE_PROTO } from './neowise-proto.js';

export type { LoadedSchema } from './descriptor-bytes.js';

let neowise: LoadedSchema | undefined;
let clickbench: LoadedSchema | undefined;

/** The NEOWISE-like schema (proto2, `neowise.NeowiseSource` with `Aperture` nested), parsed once. */
export function neowiseSchema(): LoadedSchema {
  neowise ??= loadSchema(NEOWISE_PROTO, 'neowise.NeowiseSource');
  return neowise;
}

/** The ClickBench schema (proto3, `clickbench.Hits`), parsed once. */
export function clickbenchSchema(): LoadedSchema {
  clickbench ??= loadSchema(CLICKBENCH_PROTO, 'clickbench.Hits');
  return clickbench;
}
