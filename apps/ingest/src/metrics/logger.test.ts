import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with service, node id, level name and ISO time', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', nodeId: 'node-1', destination });
    log.info({ table: 'main.sales.orders' }, 'stream opened');
    log.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'lakestream-ingest',
      node_id: 'node-1',
      table: 'main.sales.orders',
      msg: 'stream opened',
    });
    expect(Date.parse(String(lines[0]?.time))).not.toBeNaN();
  });

  it('redacts authorization headers, tokens and secrets', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'debug', destination });
    log.warn(
      {
        authorization: 'Bearer abc',
        metadata: { authorization: 'Bearer def' },
        admin: { secret: 's3' },
        token: 't',
      },
      'refused',
    );
    const text = JSON.stringify(lines);
    for (const leaked of ['abc', 'def', 's3', '"t"']) expect(text).not.toContain(leaked);
    expect(lines[0]).toMatchObject({
      authorization: '[redacted]',
      metadata: { authorization: '[redacted]' },
    });
  });

  it('logs errors with message and stack under err', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).error({ err: new Error('disk full') }, 'WAL failed');
    expect(lines[0]).toMatchObject({ level: 'error', err: { message: 'disk full', type: 'Error' } });
    expect(JSON.stringify(lines[0]?.err ?? {})).toContain('"stack":"Error: disk full');
  });
});
