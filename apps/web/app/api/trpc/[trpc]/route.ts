import { createTrpcHandler } from '../../../../src/server/http/trpc-handler';
import { getServices } from '../../../../src/server/services';

/** better-sqlite3 and grpc-js need Node, and every answer depends on the session: never static. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handler = createTrpcHandler(getServices);

/** tRPC queries. */
export const GET = handler;
/** tRPC mutations (same-origin only). */
export const POST = handler;
