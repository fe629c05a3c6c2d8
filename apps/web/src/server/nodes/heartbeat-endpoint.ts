import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NODE_STATES, recordHeartbeat } from '../catalog';
import type { WebServices } from '../services';

const ADDRESS = z.string().regex(/^[^\s/]+:\d{1,5}$/, "expected 'host:port'");
const COUNT = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The body an ingest node posts (apps/ingest `control-plane/heartbeat.ts`, `HeartbeatBody`). */
const heartbeatSchema = z.object({
  nodeId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, . _ -, up to 128'),
  endpoint: ADDRESS,
  adminAddress: ADDRESS,
  version: z.string().min(1).max(64),
  startedAt: COUNT,
  beatMs: z.number().int().min(100).max(600_000),
  streams: COUNT,
  bytesPerSecond: COUNT,
  memoryUsedBytes: COUNT,
  memoryBudgetBytes: COUNT,
  walBacklogBytes: COUNT,
  state: z.enum(NODE_STATES),
});

/** A JSON error with a code and a message in words. */
function refuse(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status });
}

/** Whether `given` equals `expected`, in constant time (both hashed to the same length first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `POST /api/nodes/heartbeat`: registers the node or updates its registration (`recordHeartbeat`, in the
 * catalog, so every console instance sees it). The bearer must be the registered nodes' admin secret
 * (`LAKESTREAM_NODE_SECRET_FILE`, read at each beat so that a rotated file takes effect): the console drains
 * those nodes with the same secret, so whoever holds it already controls them. Answers 200 `{nodeId}`;
 * 503 `REGISTRATION_OFF` when no secret file is configured, 401 `UNAUTHENTICATED`, 400 `INVALID_ARGUMENT`
 * (every bad field named).
 */
export async function handleHeartbeat(services: WebServices, request: Request): Promise<Response> {
  const secretFile = services.env.nodeSecretFile;
  if (secretFile === undefined) {
    return refuse(
      503,
      'REGISTRATION_OFF',
      'this console takes no node registrations: set LAKESTREAM_NODE_SECRET_FILE to the admin secret file the nodes share',
    );
  }
  const secret = (await readFile(secretFile, 'utf8')).trim();
  const bearer = /^Bearer (\S+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer === undefined || !sameSecret(bearer, secret)) {
    return refuse(401, 'UNAUTHENTICATED', "the heartbeat's bearer is not the nodes' admin secret");
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    return refuse(400, 'INVALID_ARGUMENT', `the heartbeat is not JSON: ${(error as Error).message}`);
  }
  const parsed = heartbeatSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return refuse(400, 'INVALID_ARGUMENT', `invalid heartbeat: ${problems.join('; ')}`);
  }
  const node = await recordHeartbeat(services.db, parsed.data);
  return Response.json({ nodeId: node.nodeId });
}
