/**
 * The browser locks DuckDB's configuration after its offline settings
 * (src/db/rows.ts): a statement that reaches DuckDB past the SQL console's
 * check still cannot turn extension loading back on, and loading a registered
 * file — what the app does for every file — still works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../src/db/node.ts';
import { LOCKED_SETTINGS } from '../../src/db/rows.ts';

let db: NodeDb;

beforeAll(async () => {
  db = await openNodeDb();
  for (const s of LOCKED_SETTINGS) await db.exec(s);
});

afterAll(async () => {
  await db?.close();
});

describe('locked configuration', () => {
  it.each([
    'SET autoload_known_extensions = true',
    'SET autoinstall_known_extensions = true',
    "SET custom_extension_repository = 'http://127.0.0.1:9'",
    'SET lock_configuration = false',
    'RESET autoload_known_extensions',
  ])('%s fails', async (sql) => {
    await expect(db.exec(sql)).rejects.toThrow(/lock/i);
  });

  it('keeps the offline settings', async () => {
    const r = await db.query("SELECT name, value FROM duckdb_settings() WHERE name IN ('autoload_known_extensions', 'autoinstall_known_extensions', 'lock_configuration') ORDER BY name");
    expect(r.rows).toEqual([
      { name: 'autoinstall_known_extensions', value: 'false' },
      { name: 'autoload_known_extensions', value: 'false' },
      { name: 'lock_configuration', value: 'true' },
    ]);
  });

  it('still reads a registered file into a table', async () => {
    await db.registerBuffer('locked.csv', new TextEncoder().encode('a,b\n1,x\n2,y\n'));
    await db.exec("CREATE TABLE locked AS SELECT * FROM read_csv('locked.csv')");
    expect((await db.query('SELECT count(*)::INTEGER AS n FROM locked')).rows).toEqual([{ n: 2 }]);
    await db.dropFile('locked.csv');
  });
});

describe('why not enable_external_access = false', () => {
  it('DuckDB would then refuse the registered files the app loads, and cannot be switched back for a load', async () => {
    const other = await openNodeDb();
    try {
      await other.registerBuffer('later.csv', new TextEncoder().encode('a\n1\n'));
      await other.exec('SET enable_external_access = false');
      await expect(other.query("SELECT * FROM read_csv('later.csv')")).rejects.toThrow(/disabled by configuration/);
      await expect(other.exec('SET enable_external_access = true')).rejects.toThrow();
    } finally {
      await other.close();
    }
  });
});
