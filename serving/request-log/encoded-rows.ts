/**
 * Rows waiting for ClickHouse, already as the bytes of JSON lines, written into slabs as they are recorded. A slab
 * is one batch: it is sealed once it holds `maxRows` rows or is full, handed to the insert as it is (no copy), and
 * given back to be written again once the insert is over.
 *
 * Why bytes and not one string per row: joining a flush's rows into one string and encoding that to a Buffer holds
 * the API's thread for as long as the batch is big, every few seconds. Written row by row, each row costs little
 * when it is recorded.
 *
 * Why slabs are reused and never concatenated: a new buffer per slab and a copy per batch allocate a lot of memory
 * outside V8's heap under load, and V8 answers that with full (mark-compact) collections after each flush, each
 * stopping the API's thread. Reused, the memory outside the heap stays the same from one flush to the next.
 */
interface Slab {
  bytes: Buffer;
  used: number;
  /** End offset (after its newline) of every row written into the slab. */
  ends: number[];
  /** Index of the first row still waiting (rows before it were dropped). */
  first: number;
}

export interface RowBatch {
  /** Newline-terminated JSON lines; valid until the batch is released. */
  body: Buffer;
  rows: number;
  slab: Slab;
}

const NEWLINE = 0x0a;

export class EncodedRows {
  /** Oldest first; the last one is the slab being written into, unless it is sealed. */
  private slabs: Slab[] = [];
  private sealed = 0;
  private readonly spare: Slab[] = [];
  private count = 0;

  /**
   * @param slabBytes size of a slab (a row larger than that gets a slab of its own, not reused)
   * @param maxRows rows per slab, i.e. per insert
   * @param spareSlabs slabs kept for reuse once written; past that they are left to the collector
   */
  constructor(
    private readonly slabBytes = 16 * 1024 * 1024,
    private readonly maxRows = 20_000,
    private readonly spareSlabs = 2,
  ) {}

  get rows(): number {
    return this.count;
  }

  push(line: string): void {
    const need = Buffer.byteLength(line) + 1;
    let slab = this.sealed < this.slabs.length ? this.slabs[this.slabs.length - 1] : undefined;
    if (slab && (slab.used + need > slab.bytes.length || slab.ends.length >= this.maxRows)) {
      this.seal();
      slab = undefined;
    }
    if (!slab) {
      slab = this.freshSlab(need);
      this.slabs.push(slab);
    }
    slab.used += slab.bytes.write(line, slab.used);
    slab.bytes[slab.used++] = NEWLINE;
    slab.ends.push(slab.used);
    this.count++;
  }

  private freshSlab(need: number): Slab {
    const reused = need <= this.slabBytes ? this.spare.pop() : undefined;
    if (reused) return reused;
    return { bytes: Buffer.allocUnsafe(Math.max(this.slabBytes, need)), used: 0, ends: [], first: 0 };
  }

  /** Closes the slab being written into: the rows waiting now can be taken, rows recorded after go to a new slab. */
  seal(): void {
    if (this.sealed < this.slabs.length) this.sealed++;
  }

  /**
   * The oldest sealed rows (at most `maxRows`, one slab), taken out until released or put back; undefined when no
   * sealed slab waits. Rows still being written into a slab are not taken until it is sealed (full, or by `seal`).
   */
  take(): RowBatch | undefined {
    if (this.sealed === 0) return undefined;
    const slab = this.slabs.shift()!;
    this.sealed--;
    const rows = slab.ends.length - slab.first;
    this.count -= rows;
    const start = slab.first === 0 ? 0 : slab.ends[slab.first - 1];
    return { body: slab.bytes.subarray(start, slab.used), rows, slab };
  }

  /** A batch that was written: its slab can hold new rows. */
  release(batch: RowBatch): void {
    this.recycle(batch.slab);
  }

  private recycle(slab: Slab): void {
    if (slab.bytes.length !== this.slabBytes || this.spare.length >= this.spareSlabs) return;
    slab.used = 0;
    slab.ends.length = 0;
    slab.first = 0;
    this.spare.push(slab);
  }

  /** Puts a batch that could not be written back in front of the waiting rows, as it was. */
  putBack(batch: RowBatch): void {
    if (batch.rows === 0) return;
    this.slabs.unshift(batch.slab);
    this.sealed++;
    this.count += batch.rows;
  }

  /** Forgets the `n` oldest rows. */
  dropOldest(n: number): void {
    let left = Math.min(n, this.count);
    this.count -= left;
    while (left > 0) {
      const slab = this.slabs[0];
      const rows = Math.min(left, slab.ends.length - slab.first);
      slab.first += rows;
      left -= rows;
      if (slab.first === slab.ends.length) {
        this.slabs.shift();
        if (this.sealed > 0) this.sealed--;
        this.recycle(slab);
      }
    }
  }
}
