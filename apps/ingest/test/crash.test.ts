import { describe, expect, it } from 'vitest';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { EVENTS } from './support/test-catalog.js';
import { readTable, rows } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const RECORDS_PER_REQUEST = 25;
const WINDOW = 16n;

/** One producer of a persistent stream: request at offset o carries sequence numbers o*25 … o*25+24. */
class Producer {
  streamId: string | undefined;
  acked = -1n;
  resumes = 0;
  duplicatesResent = 0n;

  constructor(
    readonly name: string,
    readonly token: string,
  ) {}

  private request(offset: bigint) {
    const base = Number(offset) * RECORDS_PER_REQUEST;
    return req.json(
      offset,
      Array.from({ length: RECORDS_PER_REQUEST }, (_, i) =>
        JSON.stringify({ stream: this.name, seq: base + i }),
      ),
    );
  }

  /** One connection: create or resume, then push until `target` requests are acked or the call dies. */
  async session(port: number, target: bigint, finish: boolean): Promise<void> {
    const client = zerobusClient(port);
    const s = openStream(client, 'PersistentStream', this.token, EVENTS);
    try {
      let next: bigint;
      if (this.streamId === undefined) {
        s.send(req.persistentCreate(EVENTS, 2));
        this.streamId = await s.streamId();
        next = 0n;
      } else {
        s.send(req.resume(this.streamId, 2));
        const last = await s.until(
          () => s.responses.find((r) => r.resume_stream_response)?.resume_stream_response,
          'resume response',
        );
        this.resumes++;
        const durable = last.last_committed_offset === undefined ? -1n : BigInt(last.last_committed_offset);
        expect(durable).toBeGreaterThanOrEqual(this.acked); // nothing acked is ever lost
        // Re-send from our own last ack: what the node already holds (≤ durable) must be dropped by it.
        next = this.acked + 1n;
        this.duplicatesResent += durable - this.acked;
        this.acked = durable;
        s.acked = durable;
      }
      for (;;) {
        while (next < target && next - s.acked <= WINDOW) s.send(this.request(next++));
        if (s.acked >= target - 1n) break;
        const before = s.acked;
        await s.until(() => (s.acked > before ? true : undefined), 'an ack', 30_000);
        this.acked = s.acked;
      }
      this.acked = s.acked;
      if (finish) expect((await s.finish()).code).toBe(0);
    } catch {
      // The node was killed under us: what was acked stays in `acked`.
      if (s.acked > this.acked) this.acked = s.acked;
    } finally {
      s.call.cancel();
      client.close();
    }
  }
}

describe('crash: SIGKILL at random moments under concurrent persistent streams', () => {
  it('keeps every acked record, none twice, in order per stream, after ≥ 10 kills', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      const producers = Array.from({ length: 4 }, (_, k) => new Producer(`p${k}`, tokens.good.token));
      const target = 1500n; // requests per stream: 37,500 records each
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      let kills = 0;
      const progress: string[] = [];
      for (let cycle = 0; cycle < 12; cycle++) {
        const node = await startChildNode(dataDir, provisioning);
        const sessions = producers.map((p) => p.session(node.port, target, false));
        await new Promise((r) => setTimeout(r, 100 + random() * 700));
        node.process.kill('SIGKILL');
        expect(await node.exited).toBe('SIGKILL');
        kills++;
        await Promise.all(sessions);
        progress.push(producers.map((p) => p.acked).join('/'));
      }
      // Last run: every producer finishes, then a graceful stop publishes what is left.
      const node = await startChildNode(dataDir, provisioning);
      await Promise.all(producers.map((p) => p.session(node.port, target, true)));
      await node.recovered;
      node.process.kill('SIGTERM');
      expect(await node.exited).toBe(0);

      expect(kills).toBeGreaterThanOrEqual(10);
      const got = rows(await readTable(dataDir, 'tables/main/sales/events'));
      for (const p of producers) {
        expect(p.acked).toBe(target - 1n);
        const seqs = got.filter((r) => r.stream === p.name).map((r) => Number(r.seq));
        expect(seqs.length).toBe(Number(target) * RECORDS_PER_REQUEST);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
      }
      const resumes = producers.reduce((n, p) => n + p.resumes, 0);
      expect(resumes).toBeGreaterThanOrEqual(10);
      console.log(
        `crash test: ${kills} kills, ${resumes} resumes, ${got.length} rows, duplicates re-sent and dropped: ${producers.reduce((n, p) => n + p.duplicatesResent, 0n)} requests; acked after each kill: ${progress.join(' ')}`,
      );
    } finally {
      await cleanup();
    }
  }, 240_000);
});
