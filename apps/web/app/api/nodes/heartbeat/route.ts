import { handleHeartbeat } from '../../../../src/server/nodes/heartbeat-endpoint';
import { getServices } from '../../../../src/server/services';

/** better-sqlite3 and node:crypto need Node; heartbeats are never cached. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Where ingest nodes started with `--control-plane-url` register and report their load. */
export async function POST(request: Request): Promise<Response> {
  return handleHeartbeat(await getServices(), request);
}
