import type pg from 'pg';

/**
 * Finds the destination a file names, by code or by name, in the `destinations` catalogue (small: read once),
 * and creates the unknown ones when the mapping allows it. Names match whatever their case, accents and
 * spacing ("CUSCO", "Cusco ", "Cuzco" is another name), so the same place is not created twice.
 */
export type DestinationMatch = { id: number } | { id?: undefined; problem: string };

export interface DestinationCreation {
  country: string;
  region: string;
}

export function destinationKey(value: string, match: 'code' | 'name'): string {
  const trimmed = value.trim();
  if (match === 'code') return trimmed.toLowerCase();
  return trimmed.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ');
}

/** A catalogue code for a destination known only by name: "Nazca Lines" → "nazca-lines". */
export function codeFromName(name: string): string {
  return destinationKey(name, 'name').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export class DestinationMatcher {
  private readonly ids = new Map<string, number>();
  readonly created: string[] = [];

  private constructor(
    private readonly match: 'code' | 'name',
    private readonly create: DestinationCreation | undefined,
  ) {}

  static async load(client: pg.ClientBase, match: 'code' | 'name', create: DestinationCreation | undefined): Promise<DestinationMatcher> {
    const matcher = new DestinationMatcher(match, create);
    const { rows } = await client.query<{ id: number; code: string; name: string }>('SELECT id, code, name FROM destinations ORDER BY id');
    for (const row of rows) {
      const key = destinationKey(match === 'code' ? row.code : row.name, match);
      // Two destinations with the same name: the older one wins, consistently.
      if (!matcher.ids.has(key)) matcher.ids.set(key, row.id);
    }
    return matcher;
  }

  /** The id of a destination already known, without a round trip (the common case, row after row). */
  known(text: string): number | undefined {
    return this.ids.get(destinationKey(text, this.match));
  }

  async resolve(client: pg.ClientBase, text: string): Promise<DestinationMatch> {
    const key = destinationKey(text, this.match);
    const known = this.ids.get(key);
    if (known !== undefined) return { id: known };
    if (!this.create) return { problem: `destination "${text.trim()}" is not in the catalogue (by ${this.match})` };
    const code = this.match === 'code' ? key : codeFromName(text);
    if (!/^[a-z0-9-]+$/.test(code)) return { problem: `destination "${text.trim()}" is unknown and "${code}" cannot be a destination code (a-z, 0-9, -)` };
    const name = this.match === 'code' ? code : text.trim().replace(/\s+/g, ' ');
    const inserted = await client.query<{ id: number }>(
      'INSERT INTO destinations (code, name, country, region) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id',
      [code, name, this.create.country, this.create.region],
    );
    let id = inserted.rows[0]?.id;
    if (id === undefined) {
      // The code exists under another name (e.g. "Cusco!" and "Cusco"): it is the same place.
      id = (await client.query<{ id: number }>('SELECT id FROM destinations WHERE code = $1', [code])).rows[0].id;
    } else {
      this.created.push(code);
    }
    this.ids.set(key, id);
    return { id };
  }
}
