import fs from 'node:fs';
import path from 'node:path';
import type { CustomerTruth } from './customers.ts';

/**
 * What the generated world was made from and the models should recover: each customer's true segment and taste,
 * each itinerary's factors, the destinations' seasonality, and the parameters of pricing, choice, conversion,
 * cancellation and rating. Written next to the data as JSON (one customer or itinerary per line, so the file
 * diffs and greps well).
 */
export interface ItineraryTruth {
  id: number;
  code: string;
  destination: string;
  serviceLevel: string;
  durationDays: number;
  themes: string[];
  factors: number[];
  appeal: number;
  quality: number;
  capacity: number;
  departuresPerWeek: number;
  departureWeekdays: number[];
}

export interface DestinationTruth {
  id: number;
  code: string;
  country: string;
  seasonProfile: string;
  /** Season index by month (January first), before festival uplifts. */
  monthlySeasonality: number[];
  events: Array<{ name: string; uplift: number }>;
}

export interface GroundTruth {
  version: 1;
  seed: number;
  customersRequested: number;
  years: number;
  startDate: string;
  endDate: string;
  lastDepartureDate: string;
  latentDimensions: string[];
  segments: Array<Record<string, unknown>>;
  pricing: Record<string, unknown>;
  behaviour: Record<string, unknown>;
  sourceMarkets: Array<Record<string, unknown>>;
  seasonEvents: Array<Record<string, unknown>>;
  stats: Record<string, number>;
  destinations: DestinationTruth[];
  itineraries: ItineraryTruth[];
  customers: CustomerTruth[];
}

export function defaultTruthFile(dataDir: string, seed: number): string {
  return path.join(dataDir, 'ground-truth', `world-seed-${seed}.json`);
}

const LINE_PER_ITEM = new Set(['customers', 'itineraries', 'destinations']);

export function writeGroundTruth(truth: GroundTruth, file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    const entries = Object.entries(truth);
    fs.writeSync(fd, '{\n');
    entries.forEach(([key, value], i) => {
      const comma = i < entries.length - 1 ? ',' : '';
      if (LINE_PER_ITEM.has(key) && Array.isArray(value)) {
        fs.writeSync(fd, `  ${JSON.stringify(key)}: [\n`);
        // Written in slices: a 100,000-customer world would otherwise be one 20 MB string.
        for (let j = 0; j < value.length; j += 1000) {
          const slice = value.slice(j, j + 1000).map((item, n) => `    ${JSON.stringify(item)}${j + n < value.length - 1 ? ',' : ''}\n`);
          fs.writeSync(fd, slice.join(''));
        }
        fs.writeSync(fd, `  ]${comma}\n`);
      } else {
        fs.writeSync(fd, `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`);
      }
    });
    fs.writeSync(fd, '}\n');
  } finally {
    fs.closeSync(fd);
  }
}

export function readGroundTruth(file: string): GroundTruth {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as GroundTruth;
}
