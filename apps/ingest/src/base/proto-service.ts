import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * `proto/<file>` of this package, resolved from the package root: this module sits at `src/base/` when run
 * from source and at `dist/base/` when built, and tsc does not copy `.proto` files, so both reach `../../proto/`.
 */
export function protoPath(file: string): string {
  return fileURLToPath(new URL(`../../proto/${file}`, import.meta.url));
}

const loaded = new Map<string, ServiceDefinition>();

/**
 * The service `name` of the `.proto` file at `path`, loaded once with `options`, as grpc-js serves or calls
 * it. Throws when the file has no such service, one with the method `method`.
 */
export function loadProtoService(
  path: string,
  name: string,
  method: string,
  options: protoLoader.Options,
): ServiceDefinition {
  const key = `${path}#${name}`;
  let service = loaded.get(key);
  if (service === undefined) {
    const def = protoLoader.loadSync(path, options)[name];
    if (def === undefined || !(method in def)) throw new Error(`no ${name} service in ${path}`);
    service = def as unknown as ServiceDefinition;
    loaded.set(key, service);
  }
  return service;
}
