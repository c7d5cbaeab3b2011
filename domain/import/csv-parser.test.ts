import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, CsvRecordTooLongError, type CsvRecord } from './csv-parser.ts';
import { mulberry32, randInt } from '../../platform/random.ts';

function parse(text: string, chunkSizes: number[] = [text.length || 1], delimiter = ','): CsvRecord[] {
  const parser = new CsvParser({ delimiter });
  const out: CsvRecord[] = [];
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const size = chunkSizes[k++ % chunkSizes.length];
    out.push(...parser.push(text.slice(at, at + size)));
    at += size;
  }
  out.push(...parser.end());
  return out;
}

const brief = (records: CsvRecord[]) => records.map((r) => ({ line: r.line, fields: r.fields, ...(r.malformed ? { malformed: r.malformed } : {}) }));

describe('CSV parser', () => {
  it('reads plain, quoted and empty fields, with or without a final line break', () => {
    assert.deepEqual(brief(parse('a,b,c\n1,,3\n"x",y,""\n')), [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '', '3'] },
      { line: 3, fields: ['x', 'y', ''] },
    ]);
    assert.deepEqual(brief(parse('a,b\n1,2')), [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
    assert.deepEqual(brief(parse('a,\n,')), [
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['', ''] },
    ]);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quotes, and counts physical lines past them', () => {
    const text = 'id,note\n1,"Smith, John\nand family"\n2,"say ""hi"""\n3,"two\r\n\r\nbreaks"\n4,end\n';
    const records = parse(text);
    assert.deepEqual(brief(records), [
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'Smith, John\nand family'] },
      { line: 4, fields: ['2', 'say "hi"'] },
      { line: 5, fields: ['3', 'two\r\n\r\nbreaks'] },
      { line: 8, fields: ['4', 'end'] },
    ]);
    assert.equal(records[1].raw, '1,"Smith, John\nand family"');
  });

  it('handles CRLF line ends, a byte-order mark, lone CR and blank lines', () => {
    assert.deepEqual(brief(parse('\uFEFFa,b\r\n1,2\r\n\r\n3,4\r\n')), [
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: [''] },
      { line: 4, fields: ['3', '4'] },
    ]);
    assert.deepEqual(brief(parse('a\rb\r')), [
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
    ]);
    assert.equal(parse('\uFEFFa,b\r\n')[0].raw, 'a,b');
  });

  it('gives the same records whatever the chunk boundaries (CR|LF, quote|quote split across chunks)', () => {
    const text = '\uFEFFid;name;amount\r\n1;"Pérez; Ana\r\nline ""two""";12,5\r\n2;plain;7\r\n3;"x";"a\rb"\n4;5" screen;0';
    const whole = parse(text, [text.length], ';');
    assert.equal(whole.length, 5);
    assert.deepEqual(whole[1].fields, ['1', 'Pérez; Ana\r\nline "two"', '12,5']);
    assert.equal(whole[2].line, 4);
    assert.deepEqual(whole[4].fields, ['4', '5" screen', '0']);
    assert.equal(whole[4].line, 7);
    const rng = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const sizes = Array.from({ length: 5 }, () => randInt(rng, 1, 9));
      assert.deepEqual(parse(text, sizes, ';'), whole, `chunk sizes ${sizes.join(',')}`);
    }
  });

  it('marks text after a closing quote and a quote never closed, without losing the following records', () => {
    assert.deepEqual(brief(parse('1,"ab"c,3\n2,ok,4\n')), [
      { line: 1, fields: ['1', 'abc', '3'], malformed: 'text_after_quote' },
      { line: 2, fields: ['2', 'ok', '4'] },
    ]);
    const open = parse('1,ok\n2,"never closed\n3,x\n');
    assert.deepEqual(brief(open), [
      { line: 1, fields: ['1', 'ok'] },
      { line: 2, fields: ['2', 'never closed\n3,x\n'], malformed: 'unterminated_quote' },
    ]);
    assert.equal(open[1].raw, '2,"never closed\n3,x\n');
  });

  it('refuses a record longer than the limit, naming its line', () => {
    const parser = new CsvParser({ maxRecordChars: 100 });
    parser.push('a,b\n');
    assert.throws(() => parser.push('"' + 'x'.repeat(200)), (err: unknown) => err instanceof CsvRecordTooLongError && err.line === 2);
  });

  it('rejects a delimiter that cannot work', () => {
    assert.throws(() => new CsvParser({ delimiter: '"' }), /delimiter/);
    assert.throws(() => new CsvParser({ delimiter: ';;' }), /delimiter/);
  });
});
