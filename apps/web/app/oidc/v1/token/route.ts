import { handleTokenRequest } from '../../../../src/server/oauth/token-endpoint';
import { getServices } from '../../../../src/server/services';

/** better-sqlite3 and node:crypto need Node; tokens are never cached. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The OAuth client-credentials token endpoint the Zerobus SDKs call. */
export async function POST(request: Request): Promise<Response> {
  return handleTokenRequest(await getServices(), request);
}
