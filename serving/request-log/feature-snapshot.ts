import crypto from 'node:crypto';

/**
 * The id of the feature values an answer was computed from: a content address (sha256 of the values in key
 * order), so the same features always give the same id, and the scored-request log row that holds the values can
 * be found and replayed against the model version recorded next to it.
 */
export function featureSnapshotId(features: unknown): string {
  return 'fs_' + crypto.createHash('sha256').update(canonicalJson(features)).digest('hex').slice(0, 24);
}

/** JSON with object keys sorted at every level, so equal values serialise identically. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
