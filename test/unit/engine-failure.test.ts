/**
 * An engine error without a message (DuckDB-WASM's worker rethrows a C++
 * exception that escaped it as an Error whose message is empty) is never shown
 * as "Error (no message)": it names the statement that failed.
 */
import { describe, expect, it } from 'vitest';
import { abortError, engineFailure, errorMessage, statementInWords } from '../../src/lib/errors.ts';

const CREATE_TRAINING = 'CREATE OR REPLACE TABLE "churn_training" AS WITH o AS (SELECT 1) SELECT * FROM o';

describe('engineFailure', () => {
  it('names what failed when the engine said nothing', () => {
    const e = engineFailure(new Error(''), CREATE_TRAINING);
    expect(errorMessage(e)).toBe('The database engine failed without a message while creating table "churn_training"');
    expect(errorMessage(e)).not.toMatch(/no message\)/);
    expect((e as Error).cause).toBeInstanceOf(Error);
  });

  it('keeps an engine message as it is', () => {
    const original = new Error('Invalid Input Error: Churn target: cut-off 1999-01-01 …');
    expect(engineFailure(original, CREATE_TRAINING)).toBe(original);
    const abort = abortError('Query cancelled');
    expect(engineFailure(abort, CREATE_TRAINING)).toBe(abort);
  });

  it('describes the statements the app runs', () => {
    expect(statementInWords('CREATE OR REPLACE VIEW "customer_features" AS SELECT 1')).toBe('creating view "customer_features"');
    expect(statementInWords('  CREATE SCHEMA IF NOT EXISTS "crm_lens_undo"')).toBe('creating schema "crm_lens_undo"');
    expect(statementInWords('DROP TABLE IF EXISTS orders')).toBe('dropping table orders');
    expect(statementInWords('ALTER TABLE "t" ALTER COLUMN "c" SET DATA TYPE DATE')).toBe('changing table "t"');
    expect(statementInWords('UPDATE "t" SET "c" = 1')).toBe('changing table "t"');
    expect(statementInWords('BEGIN TRANSACTION')).toBe('starting a transaction');
    expect(statementInWords('COMMIT')).toBe('committing a transaction');
    expect(statementInWords('WITH x AS (SELECT 1) SELECT * FROM x')).toBe('reading a query');
    expect(statementInWords('PRAGMA version')).toBe('running a PRAGMA statement');
  });
});
