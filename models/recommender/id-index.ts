/**
 * Customer and itinerary ids mapped to dense indices 0..n-1, so factors and sparse matrices live in typed arrays.
 * Indices follow first appearance, which keeps them stable for the same input order.
 */
export class IdIndex {
  readonly ids: string[] = [];
  private readonly positions = new Map<string, number>();

  static from(ids: Iterable<string>): IdIndex {
    const index = new IdIndex();
    for (const id of ids) index.add(id);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The index of an id, adding it when new. */
  add(id: string): number {
    let position = this.positions.get(id);
    if (position === undefined) {
      position = this.ids.length;
      this.positions.set(id, position);
      this.ids.push(id);
    }
    return position;
  }

  /** The index of an id, or -1 when unknown. */
  indexOf(id: string): number {
    return this.positions.get(id) ?? -1;
  }
}
