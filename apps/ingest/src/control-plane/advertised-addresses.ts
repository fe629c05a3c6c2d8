import { hostname } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * Where producers and the console reach this node: `advertise` (`--advertise-address`) when given, else the
 * listening `host:port` (a wildcard host becomes the machine's name). The admin address is the same host with
 * `adminPort`.
 */
export function advertisedAddresses(options: {
  readonly advertise: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly adminPort: number;
}): { readonly endpoint: string; readonly adminAddress: string } {
  const endpoint = options.advertise ?? `${hostPart(options.host)}:${options.port}`;
  const host = endpoint.slice(0, endpoint.lastIndexOf(':'));
  return { endpoint, adminAddress: `${host}:${options.adminPort}` };
}

function hostPart(host: string): string {
  if (WILDCARDS.has(host)) return hostname();
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
