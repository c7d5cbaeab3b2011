/**
 * A streaming CSV reader (RFC 4180): quoted fields with doubled quotes, delimiters and line breaks inside quotes,
 * CRLF or LF line ends, a leading byte-order mark. Text is fed in chunks of any size and whole records come
 * out, each with the physical line it starts on and its raw text, so a rejected row can be shown as it was.
 *
 * Lenient where real exports are sloppy and nothing is lost by it: a quote inside an unquoted field is kept as a
 * character (`5" screen`). Strict where guessing would change data: text after a closing quote (`"a"b`) makes
 * the record malformed, and a quote left open at the end of the file is reported, not closed silently.
 */
export interface CsvRecord {
  /** Physical line (1-based) on which the record starts; quoted line breaks advance it for the next record. */
  line: number;
  fields: string[];
  /** The record's text as it was in the file, without its line break. */
  raw: string;
  /** Set when the record is not well-formed CSV; its fields are then a best effort. */
  malformed?: 'text_after_quote' | 'unterminated_quote';
}

export interface CsvOptions {
  delimiter?: string;
  /** A record longer than this is not data but a runaway quote; reading stops with an error naming its line. */
  maxRecordChars?: number;
}

export class CsvRecordTooLongError extends Error {
  constructor(
    readonly line: number,
    readonly limit: number,
  ) {
    super(`the record starting on line ${line} is longer than ${limit} characters (a quote that is never closed?)`);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Just saw a quote inside a quoted field: either an escaped quote or the end of the field. */
  QuoteInQuoted,
  /** After a closing quote something other than a delimiter or line end came. */
  AfterQuoteGarbage,
}

export class CsvParser {
  private readonly delimiter: number;
  private readonly maxRecordChars: number;
  /** Unconsumed text: the current record starts at recordStart. */
  private buffer = '';
  private recordStart = 0;
  private pos = 0;
  private state = State.FieldStart;
  private fields: string[] = [];
  private fieldStart = 0;
  /** The decoded part of the current quoted field (escaped quotes split it into pieces). */
  private quotedValue = '';
  private malformed: CsvRecord['malformed'];
  private line = 1;
  private linesInRecord = 0;
  private first = true;

  constructor(options: CsvOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.maxRecordChars = options.maxRecordChars ?? 16 * 1024 * 1024;
  }

  /** Feeds a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.compact();
    this.buffer += chunk;
    const out: CsvRecord[] = [];
    this.scan(out, false);
    if (this.buffer.length - this.recordStart > this.maxRecordChars) throw new CsvRecordTooLongError(this.line, this.maxRecordChars);
    return out;
  }

  /** Ends the input; returns the last record when the file does not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.scan(out, true);
    if (this.buffer.length > this.recordStart || this.fields.length > 0) {
      if (this.state === State.Quoted) this.malformed = 'unterminated_quote';
      this.finishField(this.buffer.length);
      this.emit(out, this.buffer.length, this.buffer.length);
    }
    return out;
  }

  /** Drops the text of records already emitted, keeping indexes relative to the current record. */
  private compact(): void {
    if (this.recordStart === 0) return;
    const shift = this.recordStart;
    this.buffer = this.buffer.slice(shift);
    this.recordStart = 0;
    this.pos -= shift;
    this.fieldStart -= shift;
  }

  private scan(out: CsvRecord[], final: boolean): void {
    const text = this.buffer;
    const n = text.length;
    const delim = this.delimiter;
    let i = this.pos;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart:
          if (text.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            this.quotedValue = '';
            this.fieldStart = i + 1;
            i++;
            continue;
          }
          this.state = State.Unquoted;
          this.fieldStart = i;
          continue;
        case State.Unquoted:
        case State.AfterQuoteGarbage: {
          // Unquoted text is the common case: run to the next delimiter or line break in one go.
          let j = i;
          let d = 0;
          while (j < n) {
            d = text.charCodeAt(j);
            if (d === delim || d === LF || d === CR) break;
            j++;
          }
          if (j === n) {
            i = n;
            continue;
          }
          if (d === delim) {
            this.finishField(j);
            this.state = State.FieldStart;
            i = j + 1;
            continue;
          }
          const end = lineBreakEnd(text, j, final);
          if (end < 0) {
            i = j;
            this.pos = i;
            return;
          }
          this.finishField(j);
          this.emit(out, j, end);
          i = end;
          continue;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          let stop = q < 0 ? n : q;
          // A CR at the end of the input so far may be the first half of a CRLF: count it when the next chunk comes.
          if (q < 0 && !final && text.charCodeAt(n - 1) === CR) stop = n - 1;
          this.linesInRecord += countLineBreaks(text, i, stop);
          if (q < 0) {
            this.pos = stop;
            return;
          }
          this.quotedValue += text.slice(this.fieldStart, q);
          this.state = State.QuoteInQuoted;
          i = q + 1;
          continue;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            // An escaped quote: keep one, the field goes on.
            this.quotedValue += '"';
            this.state = State.Quoted;
            this.fieldStart = i + 1;
            i++;
            continue;
          }
          if (c === delim) {
            this.finishField(i);
            this.state = State.FieldStart;
            i++;
            continue;
          }
          if (c === LF || c === CR) {
            const end = lineBreakEnd(text, i, final);
            if (end < 0) {
              this.pos = i;
              return;
            }
            this.finishField(i);
            this.emit(out, i, end);
            i = end;
            continue;
          }
          this.malformed = 'text_after_quote';
          this.state = State.AfterQuoteGarbage;
          this.fieldStart = i;
          continue;
        }
      }
    }
    this.pos = i;
  }

  private finishField(end: number): void {
    switch (this.state) {
      case State.Unquoted:
        this.fields.push(this.buffer.slice(this.fieldStart, end));
        break;
      case State.Quoted:
        // Only at the end of the input, for a quote never closed: keep what it held.
        this.fields.push(this.quotedValue + this.buffer.slice(this.fieldStart, end));
        break;
      case State.QuoteInQuoted:
        this.fields.push(this.quotedValue);
        break;
      case State.AfterQuoteGarbage:
        // What the quotes held plus the stray text, so the value shows in the reject as it was meant.
        this.fields.push(this.quotedValue + this.buffer.slice(this.fieldStart, end));
        break;
      case State.FieldStart:
        this.fields.push('');
        break;
    }
  }

  /** Emits the record whose text ends at rawEnd; the next record starts at next (after the line break). */
  private emit(out: CsvRecord[], rawEnd: number, next: number): void {
    const record: CsvRecord = { line: this.line, fields: this.fields, raw: this.buffer.slice(this.recordStart, rawEnd) };
    if (this.malformed) record.malformed = this.malformed;
    out.push(record);
    this.line += this.linesInRecord + 1;
    this.linesInRecord = 0;
    this.fields = [];
    this.malformed = undefined;
    this.state = State.FieldStart;
    this.recordStart = next;
    this.pos = next;
  }
}

/** Index after the line break at i, or -1 when a CR ends the input so far and an LF may follow it. */
function lineBreakEnd(text: string, i: number, final: boolean): number {
  if (text.charCodeAt(i) === LF) return i + 1;
  if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  return final ? i + 1 : -1;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && (i + 1 >= to || text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/** Reads records from a stream of text chunks (a file stream with setEncoding('utf8'), for instance). */
export async function* readCsvRecords(chunks: AsyncIterable<string>, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser(options);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}
