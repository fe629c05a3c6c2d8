import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { OpenCatalog } from './open-catalog.js';
import {
  type EndedStreamInput,
  lastStoredSeq,
  lastStreamErrors,
  listStreamHistory,
  pruneStreamHistory,
  recordEndedStreams,
} from './stream-history.js';
import { seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

const ORDERS = 'main.sales.orders';

function ended(seq: number, overrides: Partial<EndedStreamInput> = {}): EndedStreamInput {
  return {
    seq,
    streamId: `s-${seq}`,
    kind: 'ephemeral',
    table: ORDERS,
    principalId: 'svc',
    credentialId: 'lsc-1',
    startedAt: seq * 1000,
    endedAt: seq * 1000 + 500,
    records: 10,
    bytes: 100,
    ackedOffset: '9',
    status: 'OK',
    message: '',
    ...overrides,
  };
}

describe('stream history', () => {
  test('stores each ended stream once, per node and node start', async () => {
    const db = catalog.db;
    expect(await recordEndedStreams(db, 'n1:1', 7, [ended(1), ended(2)])).toHaveLength(2);
    // The ring read again from its start (a console restart): nothing new.
    expect(await recordEndedStreams(db, 'n1:1', 7, [ended(1), ended(2), ended(3)])).toHaveLength(1);
    // Another node, or the same node restarted, numbers from 1 again.
    expect(await recordEndedStreams(db, 'n2:1', 7, [ended(1)])).toHaveLength(1);
    expect(await recordEndedStreams(db, 'n1:1', 9, [ended(1)])).toHaveLength(1);
    expect(await lastStoredSeq(db, 'n1:1', 7)).toBe(3);
    expect(await lastStoredSeq(db, 'n1:1', 8)).toBe(0);
    expect(await listStreamHistory(db)).toHaveLength(5);
  });

  test('lists newest first, filtered by table, outcome, principal and credential', async () => {
    const db = catalog.db;
    await recordEndedStreams(db, 'n1:1', 7, [
      ended(1),
      ended(2, { status: 'INVALID_ARGUMENT', message: `table ${ORDERS}, offset 3: id is not a number` }),
      ended(3, { table: 'main.sales.events', credentialId: 'lsc-2', status: 'CANCELLED' }),
      ended(4, { status: 'PERMISSION_DENIED', message: 'revoked', credentialId: 'lsc-2', principalId: 'p2' }),
    ]);
    expect((await listStreamHistory(db)).map((s) => s.streamId)).toEqual(['s-4', 's-3', 's-2', 's-1']);
    expect((await listStreamHistory(db, { table: 'MAIN.sales.Orders' })).map((s) => s.streamId)).toEqual([
      's-4',
      's-2',
      's-1',
    ]);
    const failed = await listStreamHistory(db, { outcome: 'failed' });
    expect(failed.map((s) => [s.streamId, s.failed])).toEqual([
      ['s-4', true],
      ['s-2', true],
    ]);
    expect(failed[1]).toMatchObject({
      node: 'n1:1',
      status: 'INVALID_ARGUMENT',
      records: 10,
      ackedOffset: '9',
    });
    expect((await listStreamHistory(db, { outcome: 'ok' })).map((s) => s.streamId)).toEqual(['s-3', 's-1']);
    expect((await listStreamHistory(db, { principalId: 'p2' })).map((s) => s.streamId)).toEqual(['s-4']);
    expect((await listStreamHistory(db, { credentialId: 'lsc-2' })).map((s) => s.streamId)).toEqual([
      's-4',
      's-3',
    ]);
    expect((await listStreamHistory(db, { limit: 1 })).map((s) => s.streamId)).toEqual(['s-4']);
    const errors = await lastStreamErrors(db, ['lsc-1', 'lsc-2', 'lsc-none']);
    expect(errors.get('lsc-1')?.status).toBe('INVALID_ARGUMENT');
    expect(errors.get('lsc-2')?.message).toBe('revoked');
    expect(errors.has('lsc-none')).toBe(false);
  });

  test('prunes the streams that ended before the retention', async () => {
    const db = catalog.db;
    await recordEndedStreams(db, 'n1:1', 7, [ended(1), ended(2), ended(3)]);
    expect(await pruneStreamHistory(db, 3000)).toBe(2);
    expect((await listStreamHistory(db)).map((s) => s.streamId)).toEqual(['s-3']);
  });
});
