import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes, toUtf8 } from '../../src/ingest/decode.ts';
import { IngestError } from '../../src/ingest/errors.ts';
import { looksWhitespaceAligned, whitespaceToCsv } from '../../src/ingest/dialect.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(parts.flatMap((p) => [...p]));

function ingestError(f: () => unknown): IngestError {
  try {
    f();
  } catch (e) {
    if (e instanceof IngestError) return e;
    throw e;
  }
  throw new Error('expected an IngestError');
}

describe('decodeBytes: encodings', () => {
  it('passes UTF-8 through without decoding or copying', () => {
    const b = utf8('客户ID,金额\nA1,12.5\n');
    const d = decodeBytes(b, 'a.csv');
    expect(d).toEqual({ encoding: 'utf-8', bom: false });
    expect(toUtf8(b, d)).toBe(b);
  });

  it('recognises a UTF-8 BOM and leaves it for DuckDB', () => {
    const b = bytes([0xef, 0xbb, 0xbf], utf8('id\n1\n'));
    expect(decodeBytes(b)).toEqual({ encoding: 'utf-8', bom: true });
  });

  it('decodes UTF-16 LE and BE with a BOM, BOM removed', () => {
    const le = bytes([0xff, 0xfe], iconv.encode('名字,n\n张三,1\n', 'utf16le'));
    expect(decodeBytes(le)).toEqual({ encoding: 'utf-16le', bom: true, text: '名字,n\n张三,1\n' });
    const be = bytes([0xfe, 0xff], iconv.encode('a,b\n1,2\n', 'utf16be'));
    expect(decodeBytes(be)).toEqual({ encoding: 'utf-16be', bom: true, text: 'a,b\n1,2\n' });
    expect(new TextDecoder().decode(toUtf8(le, decodeBytes(le)))).toBe('名字,n\n张三,1\n');
  });

  it('recognises UTF-16 LE without a BOM (as some Excel exports are)', () => {
    const b = iconv.encode('customer,amount\nA,1\nB,2\n', 'utf16le');
    expect(decodeBytes(b)).toMatchObject({ encoding: 'utf-16le', bom: false, text: 'customer,amount\nA,1\nB,2\n' });
  });

  it('falls back to GB18030 for GBK bytes', () => {
    const text = '客户编号,姓名,实付金额\nC001,张三,128.50\nC002,李四,99\n';
    const b = iconv.encode(text, 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(b)).toThrow();
    const d = decodeBytes(b, '订单.csv');
    expect(d).toEqual({ encoding: 'gb18030', bom: false, text });
    expect(new TextDecoder().decode(toUtf8(b, d))).toBe(text);
  });

  it('reads GB18030 four-byte sequences', () => {
    const text = '名称\n𠀀\n€\n';
    expect(decodeBytes(iconv.encode(text, 'gb18030')).text).toBe(text);
  });

  it('falls back to windows-1252 when the bytes are not GB18030 either', () => {
    const b = iconv.encode('name,city\nRené,Zürich\n', 'win1252'); // é followed by "," is no GB18030 pair
    expect(decodeBytes(b)).toEqual({ encoding: 'windows-1252', bom: false, text: 'name,city\nRené,Zürich\n' });
  });

  it('validates UTF-8 across its 1 MiB slices', () => {
    const mib = 1024 * 1024;
    const b = new Uint8Array(mib + 8).fill(0x61);
    b.set([0xc3, 0xa9], mib - 1); // "é" split over the slice boundary
    expect(decodeBytes(b).encoding).toBe('utf-8');
    b[mib] = 0x28; // broken continuation byte
    expect(decodeBytes(b).encoding).not.toBe('utf-8');
  });

  it('honours a forced encoding', () => {
    const b = iconv.encode('名字\n张三\n', 'gbk');
    expect(decodeBytes(b, 'x.csv', 'gb18030').text).toBe('名字\n张三\n');
    expect(decodeBytes(b, 'x.csv', 'utf-8').text).toContain('\uFFFD');
  });
});

describe('decodeBytes: errors', () => {
  it('rejects empty and whitespace-only files', () => {
    for (const b of [new Uint8Array(0), utf8(' \r\n\t\n'), bytes([0xef, 0xbb, 0xbf], utf8('\n')), bytes([0xff, 0xfe], iconv.encode(' \n', 'utf16le'))]) {
      const e = ingestError(() => decodeBytes(b, 'empty.csv'));
      expect(e.info).toEqual({ code: 'empty_file', file: 'empty.csv' });
      expect(e.key).toBe('ingest.error.empty_file');
      expect(e.params).toEqual({ file: 'empty.csv' });
    }
  });

  it('rejects binary files, naming known containers', () => {
    const xlsx = bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00], utf8('[Content_Types].xml'));
    expect(ingestError(() => decodeBytes(xlsx, 'book.xlsx')).info).toEqual({ code: 'binary_file', file: 'book.xlsx', params: { format: 'zip' } });
    expect(ingestError(() => decodeBytes(utf8('%PDF-1.7\n'), 'a.pdf')).params).toEqual({ file: 'a.pdf', format: 'pdf' });
    const nul = bytes(utf8('id,name\n1,a'), [0, 0, 0, 7], utf8('\n'));
    expect(ingestError(() => decodeBytes(nul, 'x.csv')).info.params).toEqual({ format: 'unknown' });
    const control = new Uint8Array(1000).fill(0x41);
    for (let i = 0; i < 1000; i += 50) control[i] = 0x01;
    expect(ingestError(() => decodeBytes(control, 'y.csv')).code).toBe('binary_file');
  });

  it('keeps text with a few stray control characters', () => {
    const b = bytes(utf8('id,note\n1,form feed'), [0x0c], utf8('\n2,bell'), [0x07], utf8('\n'), utf8('3,x\n'.repeat(40)));
    expect(decodeBytes(b).encoding).toBe('utf-8');
  });
});

describe('whitespace-aligned columns', () => {
  const cdnow = ' customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n';
  it('recognises aligned columns and nothing else', () => {
    expect(looksWhitespaceAligned(cdnow)).toBe(true);
    expect(looksWhitespaceAligned('a,b\n1,2\n')).toBe(false);
    expect(looksWhitespaceAligned('Ada Lovelace\nAlan Turing\n')).toBe(false);
    expect(looksWhitespaceAligned('x  y\n1  2  3\n')).toBe(false);
    expect(looksWhitespaceAligned('single\n')).toBe(false);
  });

  it('rewrites them as CSV', () => {
    expect(whitespaceToCsv(cdnow)).toBe('customer_id,date,number_of_cds,dollar_value\n00001,19970101,1,11.77\n00002,19970112,1,12.00\n');
    expect(whitespaceToCsv('a  b\r\n"x  y,z\n')).toBe('a,b\n"""x","y,z"\n');
  });
});
