/**
 * Parquet by URL (src/ingest/remote.ts) against a real local HTTP server that
 * honours `Range` (or, for one test, ignores it) and logs every byte it sends;
 * the Parquet comes from native DuckDB (@duckdb/node-api) and is loaded by real
 * DuckDB-WASM. And the build's CSP (src/lib/csp.ts): connect-src is 'self' plus
 * exactly the configured origins.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { checkRemoteUrl, fetchRemoteParquet, manifestUrls, RemoteError } from '../../src/ingest/remote.ts';
import { configuredOrigins, contentSecurityPolicy, normaliseOrigins, withPolicy } from '../../src/lib/csp.ts';
import { ident } from '../../src/lib/sql.ts';

interface Logged {
  path: string;
  range: string | null;
  sent: number;
}

/** A static server over `dir`: 206 for `Range`, 200 (whole file) otherwise or when `ranges` is off. */
function staticServer(dir: string, ranges: boolean): Promise<{ server: Server; origin: string; log: Logged[] }> {
  const log: Logged[] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    let body: Buffer;
    try {
      body = readFileSync(path.join(dir, path.basename(name)));
    } catch {
      res.writeHead(404).end();
      log.push({ path: name, range: null, sent: 0 });
      return;
    }
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (ranges && m) {
      const from = Number(m[1]);
      const to = Math.min(Number(m[2]), body.length - 1);
      const part = body.subarray(from, to + 1);
      res.writeHead(206, { 'Content-Range': `bytes ${from}-${to}/${body.length}`, 'Content-Length': part.length, 'Accept-Ranges': 'bytes' });
      res.end(part);
      log.push({ path: name, range: req.headers.range ?? null, sent: part.length });
    } else {
      res.writeHead(200, { 'Content-Length': body.length });
      res.end(body);
      log.push({ path: name, range: req.headers.range ?? null, sent: body.length });
    }
  });
  // Longer than a slow test step: Node's fetch does not retry a kept-alive socket the server has just closed.
  server.keepAliveTimeout = 120_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log })));
}

let db: Db;
let tmp: string;
let withRanges: Awaited<ReturnType<typeof staticServer>>;
let noRanges: Awaited<ReturnType<typeof staticServer>>;
/** Native DuckDB's answers over the same Parquet: the yardstick. */
let expected: { rows: number; revenue: number; customers: number; blanks: number };

beforeAll(async () => {
  db = await openNodeDb();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-remote-'));
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // Awkward on purpose: a Chinese header, float customer ids, negative amounts (returns), blanks, small row groups.
  const select = `SELECT (i % 997) + 0.5 AS "客户编号", DATE '2024-01-01' + CAST(i / 50 AS INTEGER) AS order_date,
      CASE WHEN i % 13 = 0 THEN NULL WHEN i % 7 = 0 THEN -(i % 40) ELSE (i % 250) * 1.25 END AS amount,
      CASE WHEN i % 5 = 0 THEN '' ELSE 'p' || (i % 31) END AS product
    FROM range(20000) t(i)`;
  await conn.run(`COPY (${select}) TO '${path.join(tmp, 'orders 2024.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
  await conn.run(`COPY (${select} WHERE i < 5000) TO '${path.join(tmp, 'part-a.parquet')}' (FORMAT parquet)`);
  await conn.run(`COPY (${select} WHERE i >= 5000) TO '${path.join(tmp, 'part-b.parquet')}' (FORMAT parquet)`);
  const r = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n, sum(amount)::DOUBLE AS revenue, count(DISTINCT "客户编号")::DOUBLE AS customers, count(*) FILTER (WHERE amount IS NULL)::DOUBLE AS blanks FROM read_parquet('${path.join(tmp, 'orders 2024.parquet')}')`,
  );
  const [n, revenue, customers, blanks] = r.getRows()[0] as number[];
  expected = { rows: n!, revenue: revenue!, customers: customers!, blanks: blanks! };
  conn.closeSync();
  writeFileSync(path.join(tmp, 'not-parquet.parquet'), 'id,amount\n1,2\n');
  withRanges = await staticServer(tmp, true);
  noRanges = await staticServer(tmp, false);
  writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify({ files: ['part-a.parquet', `${withRanges.origin}/part-b.parquet`] }));
  writeFileSync(path.join(tmp, 'elsewhere.json'), JSON.stringify(['part-a.parquet', 'https://elsewhere.example/x.parquet']));
  writeFileSync(path.join(tmp, 'empty.json'), '{"files": []}');
});

afterAll(async () => {
  withRanges?.server.close();
  noRanges?.server.close();
  await db?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function remoteError(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RemoteError) return e;
    throw e;
  }
  throw new Error('expected a RemoteError');
}

describe('fetchRemoteParquet', () => {
  it('reads the file through range requests only, byte for byte, and it loads to the same figures as native DuckDB', async () => {
    const before = withRanges.log.length;
    const size = readFileSync(path.join(tmp, 'orders 2024.parquet')).length;
    const got = await fetchRemoteParquet(`${withRanges.origin}/orders%202024.parquet`, { base: `${withRanges.origin}/app/`, chunkBytes: 64 * 1024 });
    const requests = withRanges.log.slice(before);
    expect(requests.every((r) => r.range !== null)).toBe(true);
    // Head probe, tail probe, footer, then the file in 64 KiB ranges.
    expect(requests.length).toBe(3 + Math.ceil(size / (64 * 1024)));
    expect(got.bytesTotal).toBe(size);
    expect(got.bytesRead).toBe(requests.reduce((s, r) => s + r.sent, 0));
    expect(got.files).toHaveLength(1);
    const file = got.files[0]!;
    expect(file.name).toBe('orders 2024.parquet');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new Uint8Array(readFileSync(path.join(tmp, 'orders 2024.parquet'))));

    const res = await loadFile(db, { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    expect(res.source.format).toBe('parquet');
    const row = (
      await db.query(
        `SELECT count(*)::DOUBLE AS n, sum(amount)::DOUBLE AS revenue, count(DISTINCT ${ident('客户编号')})::DOUBLE AS customers, count(*) FILTER (WHERE amount IS NULL)::DOUBLE AS blanks FROM ${ident(res.table.name)}`,
      )
    ).rows[0]!;
    expect(row.n).toBe(expected.rows);
    expect(row.revenue as number).toBeCloseTo(expected.revenue, 6);
    expect(row.customers).toBe(expected.customers);
    expect(row.blanks).toBe(expected.blanks);
  });

  it('a manifest gives every part it lists, relative URLs resolved against it', async () => {
    const got = await fetchRemoteParquet('/manifest.json', { base: `${withRanges.origin}/` });
    expect(got.files.map((f) => f.name)).toEqual(['part-a.parquet', 'part-b.parquet']);
    const total = got.files.reduce((s, f) => s + f.size, 0);
    expect(total).toBe(readFileSync(path.join(tmp, 'part-a.parquet')).length + readFileSync(path.join(tmp, 'part-b.parquet')).length);
  });

  it('a manifest naming an origin that is not allowed is refused before any part is fetched', async () => {
    const before = withRanges.log.length;
    const e = await remoteError(fetchRemoteParquet(`${withRanges.origin}/elsewhere.json`, { base: `${withRanges.origin}/` }));
    expect(e.code).toBe('origin_not_allowed');
    expect(e.params.origin).toBe('https://elsewhere.example');
    expect(withRanges.log.slice(before).map((r) => r.path)).toEqual(['elsewhere.json']);
    expect((await remoteError(fetchRemoteParquet(`${withRanges.origin}/empty.json`, { base: `${withRanges.origin}/` }))).code).toBe('bad_manifest');
    expect(() => manifestUrls('not json', 'http://x/m.json')).toThrow(RemoteError);
  });

  it('a server that ignores Range is refused after one request, not read in full', async () => {
    const e = await remoteError(fetchRemoteParquet(`${noRanges.origin}/orders%202024.parquet`, { base: `${noRanges.origin}/` }));
    expect(e.code).toBe('no_ranges');
    expect(noRanges.log.filter((r) => r.path === 'orders 2024.parquet')).toHaveLength(1);
  });

  it('a file that is not Parquet, a missing file and an unreachable host each say so', async () => {
    const base = `${withRanges.origin}/`;
    expect((await remoteError(fetchRemoteParquet('not-parquet.parquet', { base }))).code).toBe('not_parquet');
    const missing = await remoteError(fetchRemoteParquet('nothing-here.parquet', { base }));
    expect(missing.code).toBe('http_status');
    expect(missing.params.status).toBe(404);
    // A port nobody listens on (the closed server's), as the CSP's refusal reads in the browser: a fetch that fails outright.
    const closed = await staticServer(tmp, true);
    const origin = closed.origin;
    await new Promise((r) => closed.server.close(r));
    expect((await remoteError(fetchRemoteParquet(`${origin}/x.parquet`, { base, allowed: [origin] }))).code).toBe('unreachable');
  });
  it('a file replaced while it is read is refused, not stitched together from two versions', async () => {
    const first = readFileSync(path.join(tmp, 'part-a.parquet'));
    writeFileSync(path.join(tmp, 'moving.parquet'), first);
    let calls = 0;
    const replacing: typeof fetch = async (input, init) => {
      // After the probes and the footer, the host swaps in a longer file.
      if (++calls === 4) writeFileSync(path.join(tmp, 'moving.parquet'), readFileSync(path.join(tmp, 'part-b.parquet')));
      return fetch(input, init);
    };
    const e = await remoteError(fetchRemoteParquet('moving.parquet', { base: `${withRanges.origin}/`, fetch: replacing, chunkBytes: 1024 }));
    expect(e.code).toBe('changed');
  });
});

describe('checkRemoteUrl', () => {
  const base = 'https://app.example.com/crm/';
  it('allows the own origin and the configured ones, nothing else', () => {
    expect(checkRemoteUrl('data/a.parquet', base, []).href).toBe('https://app.example.com/crm/data/a.parquet');
    expect(checkRemoteUrl(' https://data.example.org/a.parquet ', base, ['https://data.example.org']).origin).toBe('https://data.example.org');
    const e = (() => {
      try {
        checkRemoteUrl('https://data.example.org:8443/a.parquet', base, ['https://data.example.org']);
      } catch (err) {
        return err as RemoteError;
      }
      throw new Error('not refused');
    })();
    expect(e.code).toBe('origin_not_allowed');
    expect(e.params).toEqual({ origin: 'https://data.example.org:8443', allowed: 'https://app.example.com, https://data.example.org' });
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'http://[::1']) expect(() => checkRemoteUrl(bad, base, [])).toThrow(RemoteError);
  });
});

describe('the build CSP', () => {
  const connectSrc = (csp: string) => /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
  it("connect-src is 'self' (with blob: and data:) and exactly the configured origins", () => {
    expect(connectSrc(contentSecurityPolicy([]))).toEqual(["'self'", 'blob:', 'data:']);
    expect(connectSrc(contentSecurityPolicy(['https://Data.Example.com/', 'http://127.0.0.1:8081', 'https://data.example.com']))).toEqual([
      "'self'",
      'blob:',
      'data:',
      'https://data.example.com',
      'http://127.0.0.1:8081',
    ]);
    // The other directives do not move.
    expect(contentSecurityPolicy(['https://a.example'])).toContain("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
  });

  it('refuses anything that is not a plain origin, so the policy cannot be widened by a typo or an injection', () => {
    for (const bad of ['*', 'https://*.example.com', 'https://a.example/path', "https://a.example; script-src 'unsafe-eval'", 'data:', 'ftp://a.example', 'a.example', 42]) {
      expect(() => normaliseOrigins([bad])).toThrow(/remoteOrigins/);
    }
  });

  it('reads the config file and the environment variable, and rewrites the real index.html', () => {
    expect(configuredOrigins(null, undefined)).toEqual([]);
    expect(configuredOrigins('{"remoteOrigins": ["https://a.example"]}', ' http://localhost:9000 , ')).toEqual(['https://a.example', 'http://localhost:9000']);
    expect(() => configuredOrigins('{"remoteOrigins": "https://a.example"}', undefined)).toThrow(/list/);
    // The committed config allows nothing but the app's own origin.
    expect(configuredOrigins(readFileSync('crm-lens.config.json', 'utf8'), undefined)).toEqual([]);
    const html = readFileSync('index.html', 'utf8');
    const out = withPolicy(html, contentSecurityPolicy(['https://a.example']));
    const metas = [...out.matchAll(/http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g)];
    expect(metas).toHaveLength(1);
    expect(connectSrc(metas[0]![1]!)).toEqual(["'self'", 'blob:', 'data:', 'https://a.example']);
    expect(() => withPolicy('<html></html>', 'x')).toThrow(/Content-Security-Policy/);
  });
});
