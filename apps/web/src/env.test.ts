import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
  it('applies the defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      dataDir: resolve('data'),
      catalogPath: join(resolve('data'), 'catalog.db'),
      publicUrl: 'http://127.0.0.1:3000',
      tokenAudience: 'lakestream-ingest',
      tokenTtlSeconds: 3600,
      ingestEndpoint: 'http://127.0.0.1:50051',
      ingestNodes: [],
      reconcileIntervalMs: 5000,
      tablesDir: resolve('data'),
      streamSampleMs: 1000,
    });
    expect(env.adminEmail).toBeUndefined();
  });

  it('resolves relative table locations against the data dir unless LAKESTREAM_TABLES_DIR says otherwise', () => {
    expect(parseEnv({ LAKESTREAM_DATA_DIR: '/var/lib/lakestream' }).tablesDir).toBe('/var/lib/lakestream');
    expect(parseEnv({ LAKESTREAM_TABLES_DIR: 'node-data' }).tablesDir).toBe(resolve('node-data'));
    expect(parseEnv({ LAKESTREAM_TABLES_DIR: '/srv/ingest' }).tablesDir).toBe('/srv/ingest');
    expect(parseEnv({ LAKESTREAM_STREAM_SAMPLE_MS: '250' }).streamSampleMs).toBe(250);
    expect(() => parseEnv({ LAKESTREAM_STREAM_SAMPLE_MS: '10' })).toThrow(/LAKESTREAM_STREAM_SAMPLE_MS/);
  });

  it('reads nodes as a comma list or JSON, and trims the public URL', () => {
    const list = parseEnv({
      LAKESTREAM_INGEST_NODES: '10.0.0.1:50052=/run/a-secret, ingest-2:50052',
      LAKESTREAM_PUBLIC_URL: 'https://console.example.com/',
      LAKESTREAM_DATA_DIR: '/var/lib/lakestream',
    });
    expect(list.ingestNodes).toEqual([
      { address: '10.0.0.1:50052', secretFile: '/run/a-secret' },
      { address: 'ingest-2:50052' },
    ]);
    expect(list.publicUrl).toBe('https://console.example.com');
    expect(list.catalogPath).toBe('/var/lib/lakestream/catalog.db');
    const json = parseEnv({ LAKESTREAM_INGEST_NODES: '[{"address":"n:1","secretFile":"/s"}]' });
    expect(json.ingestNodes).toEqual([{ address: 'n:1', secretFile: '/s' }]);
  });

  it('takes a PostgreSQL catalog from LAKESTREAM_DATABASE_URL, and only a PostgreSQL URL', () => {
    expect(parseEnv({}).databaseUrl).toBeUndefined();
    const url = 'postgres://lakestream:secret@db:5432/lakestream';
    expect(parseEnv({ LAKESTREAM_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(() => parseEnv({ LAKESTREAM_DATABASE_URL: 'mysql://db/lake' })).toThrow(
      /LAKESTREAM_DATABASE_URL: a PostgreSQL URL/,
    );
  });

  it('refuses bad values, listing each', () => {
    expect(() =>
      parseEnv({
        LAKESTREAM_INGEST_NODES: 'no-port',
        LAKESTREAM_PUBLIC_URL: 'ftp://x',
        LAKESTREAM_ADMIN_EMAIL: 'root@example.com',
      }),
    ).toThrow(EnvError);
    try {
      parseEnv({ LAKESTREAM_INGEST_NODES: 'no-port', LAKESTREAM_ADMIN_EMAIL: 'root@example.com' });
    } catch (error) {
      expect((error as EnvError).message).toContain("expected 'host:port'");
    }
    expect(() => parseEnv({ LAKESTREAM_ADMIN_EMAIL: 'root@example.com' })).toThrow(
      'set both LAKESTREAM_ADMIN_EMAIL and LAKESTREAM_ADMIN_PASSWORD, or neither',
    );
    expect(() => parseEnv({ LAKESTREAM_ADMIN_EMAIL: 'a@b.co', LAKESTREAM_ADMIN_PASSWORD: 'short' })).toThrow(
      /at least 8 characters/,
    );
  });
});
