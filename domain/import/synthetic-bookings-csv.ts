import fs from 'node:fs';
import { once } from 'node:events';
import { mulberry32, pick, randInt } from '../../platform/random.ts';

/**
 * A seeded CSV export of bookings in the layout of fixtures/mapping.json, for measuring the import at scale:
 * realistic cells (day-first dates with times, thousands separators in quotes, names with commas and the odd
 * line break) and a small share of bad rows of each kind, so the reject path is measured too.
 * Written in blocks through a stream: the file is never in memory.
 */
export const SYNTHETIC_HEADER = 'Booking Date,Departure,Lead,Amount,Currency,Pax,State,Channel,Market,Destination,Client,Client Name';
export const SYNTHETIC_DESTINATIONS = ['Cusco', 'Machu Picchu', 'Lima', 'Arequipa', 'Puno', 'Iquitos', 'Paracas', 'Uyuni', 'Quito', 'Cartagena'];

const MARKETS = ['US', 'GB', 'DE', 'FR', 'ES', 'PE', 'BR', 'CA', 'AU', 'JP'];
const STATES = ['OK', 'OK', 'OK', 'OK', 'X', 'PEND'];
const CHANNELS = ['WEB', 'AG', 'phone', 'email'];
const SURNAMES = ['Lee', 'Müller', 'García', 'Smith', 'Rossi', 'Dubois', 'Silva', 'Tanaka', 'Quispe', 'Brown'];
const BAD_KINDS = ['date', 'price', 'pax', 'status', 'destination', 'columns'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

function dayFirst(ms: number, withTime: boolean): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  return withTime ? `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : date;
}

/** 12345.5 → "12,345.50", the way spreadsheets export amounts (toLocaleString is ten times slower). */
function withThousands(amount: number): string {
  const [whole, cents] = amount.toFixed(2).split('.');
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
}

export interface SyntheticFileReport {
  rows: number;
  badRows: number;
  bytes: number;
}

export async function writeSyntheticBookingsCsv(file: string, rows: number, seed: number, badShare = 0.02): Promise<SyntheticFileReport> {
  const rng = mulberry32(seed);
  const out = fs.createWriteStream(file);
  const start = Date.UTC(2022, 0, 1);
  let block: string[] = [SYNTHETIC_HEADER];
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    const booked = start + Math.floor(rng() * 4 * 365) * 86_400_000 + randInt(rng, 7 * 60, 22 * 60) * 60_000;
    const lead = randInt(rng, 0, 300);
    const departure = booked + lead * 86_400_000;
    const pax = randInt(rng, 1, 12);
    const amount = pax * randInt(rng, 300, 2500) + randInt(rng, 0, 99) / 100;
    const client = randInt(rng, 1, 50_000);
    const name = rng() < 0.1 ? `"${pick(rng, SURNAMES)}, ${client}${rng() < 0.1 ? '\nand family' : ''}"` : `${pick(rng, SURNAMES)} ${client}`;
    // Half the rows give a departure date, the other half only the lead time.
    const cells = [
      dayFirst(booked, true),
      rng() < 0.5 ? dayFirst(departure, false) : '',
      '',
      amount >= 1000 ? `"${withThousands(amount)}"` : amount.toFixed(2),
      'USD',
      String(pax),
      pick(rng, STATES),
      pick(rng, CHANNELS),
      pick(rng, MARKETS),
      pick(rng, SYNTHETIC_DESTINATIONS),
      `C-${client}`,
      name,
    ];
    cells[2] = cells[1] === '' ? String(lead) : '';
    if (rng() < badShare) {
      bad += 1;
      switch (pick(rng, BAD_KINDS)) {
        case 'date':
          cells[0] = '31/02/2024 10:00';
          break;
        case 'price':
          cells[3] = '-' + cells[3].replace(/"/g, '');
          if (cells[3].includes(',')) cells[3] = `"${cells[3]}"`;
          break;
        case 'pax':
          cells[5] = '0';
          break;
        case 'status':
          cells[6] = 'MAYBE';
          break;
        case 'destination':
          cells[9] = 'Atlantis';
          break;
        case 'columns':
          cells.length = 7;
          break;
      }
    }
    block.push(cells.join(','));
    if (block.length >= 2000) {
      if (!out.write(block.join('\n') + '\n')) await once(out, 'drain');
      block = [];
    }
  }
  if (block.length > 0) out.write(block.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  return { rows, badRows: bad, bytes: fs.statSync(file).size };
}
