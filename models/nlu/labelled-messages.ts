import { InputError } from '../../platform/errors.ts';
import { parseIsoDay } from './calendar-holidays.ts';
import { isIntent, SERVICE_LEVELS, type Intent, type Language, type MessageEntities } from './intents.ts';

/**
 * The benchmark file: one JSON object per line, `{"text", "lang", "intent", "entities": {"destination",
 * "date_from", "date_to", "party_size", "budget": {"amount", "currency"} | null, "service_level"}}`.
 * Every problem names its line and field.
 */
export interface LabelledMessage {
  text: string;
  lang: Language;
  intent: Intent;
  entities: MessageEntities;
}

function fail(source: string, line: number, message: string, field: string): never {
  throw new InputError(`${source} line ${line}: ${message}`, field);
}

export function parseLabelledMessages(text: string, source: string): LabelledMessage[] {
  const out: LabelledMessage[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(raw);
    } catch {
      fail(source, line, 'is not valid JSON', 'file');
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) fail(source, line, 'must be a JSON object', 'file');
    if (typeof row.text !== 'string' || row.text.trim() === '') fail(source, line, 'text must be a non-empty string', 'text');
    if (row.lang !== 'es' && row.lang !== 'en') fail(source, line, `lang must be "es" or "en", got ${JSON.stringify(row.lang)}`, 'lang');
    if (!isIntent(row.intent)) fail(source, line, `intent ${JSON.stringify(row.intent)} is not a known intent`, 'intent');
    const e = row.entities as Record<string, unknown> | undefined;
    if (!e || typeof e !== 'object') fail(source, line, 'entities must be an object', 'entities');
    const nullableString = (name: string) => {
      const v = e[name] ?? null;
      if (v !== null && typeof v !== 'string') fail(source, line, `entities.${name} must be a string or null`, `entities.${name}`);
      return v as string | null;
    };
    const date = (name: string) => {
      const v = nullableString(name);
      if (v !== null && parseIsoDay(v) === undefined) fail(source, line, `entities.${name} "${v}" is not a date YYYY-MM-DD`, `entities.${name}`);
      return v;
    };
    const party = e.party_size ?? null;
    if (party !== null && (!Number.isInteger(party) || (party as number) < 1)) fail(source, line, 'entities.party_size must be a whole number ≥ 1 or null', 'entities.party_size');
    const budget = (e.budget ?? null) as { amount?: unknown; currency?: unknown } | null;
    if (budget !== null && (typeof budget !== 'object' || typeof budget.amount !== 'number' || !['USD', 'PEN', 'EUR', 'GBP'].includes(budget.currency as string))) {
      fail(source, line, 'entities.budget must be {"amount": number, "currency": "USD"|"PEN"|"EUR"|"GBP"} or null', 'entities.budget');
    }
    const level = nullableString('service_level');
    if (level !== null && !(SERVICE_LEVELS as readonly string[]).includes(level)) fail(source, line, `entities.service_level must be one of ${SERVICE_LEVELS.join(', ')} or null`, 'entities.service_level');
    out.push({
      text: row.text,
      lang: row.lang,
      intent: row.intent,
      entities: {
        destination: nullableString('destination'),
        date_from: date('date_from'),
        date_to: date('date_to'),
        party_size: party as number | null,
        budget: budget as MessageEntities['budget'],
        service_level: level as MessageEntities['service_level'],
      },
    });
  });
  if (out.length === 0) throw new InputError(`${source} has no messages`, 'file');
  return out;
}
