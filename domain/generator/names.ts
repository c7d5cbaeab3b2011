import { pick, type Rng } from '../../platform/random.ts';

/**
 * Plausible names for customers by language, company names for corporate and agency customers, and the sales
 * agents who revise quotations. Emails use the reserved example.* domains: no generated address can reach anyone.
 */
const FIRST: Record<string, readonly string[]> = {
  en: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan', 'Emily', 'Daniel', 'Olivia', 'Thomas', 'Sophie', 'Jack', 'Chloe', 'Liam'],
  de: ['Lukas', 'Anna', 'Maximilian', 'Lena', 'Felix', 'Marie', 'Jonas', 'Sophie', 'Paul', 'Laura', 'Jürgen', 'Ute', 'Tobias', 'Katrin'],
  fr: ['Louis', 'Camille', 'Hugo', 'Léa', 'Jules', 'Manon', 'Gabriel', 'Chloé', 'Arthur', 'Inès', 'Théo', 'Émilie'],
  es: ['José', 'María', 'Luis', 'Carmen', 'Carlos', 'Lucía', 'Javier', 'Sofía', 'Miguel', 'Valentina', 'Diego', 'Camila', 'Rosa', 'Andrés'],
  pt: ['João', 'Ana', 'Pedro', 'Beatriz', 'Lucas', 'Mariana', 'Gabriel', 'Júlia', 'Rafael', 'Larissa'],
  ja: ['Haruto', 'Yui', 'Sota', 'Aoi', 'Yuto', 'Hina', 'Kenji', 'Yuki', 'Takeshi', 'Sakura'],
};
const LAST: Record<string, readonly string[]> = {
  en: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', "O'Brien", 'Clarke', 'Walker', 'Young', 'King'],
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'],
  es: ['García', 'Rodríguez', 'Quispe', 'Mamani', 'Flores', 'Torres', 'Ramírez', 'Huamán', 'Sánchez', 'Rojas', 'Vargas', 'Castillo', 'Gutiérrez', 'Fernández'],
  pt: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Costa', 'Rodrigues', 'Almeida', 'Carvalho'],
  ja: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato'],
};
const COMPANY_WORDS = ['Andes', 'Condor', 'Pacific', 'Summit', 'Horizon', 'Inca', 'Southern Cross', 'Meridian', 'Atlas', 'Nova', 'Puma', 'Altiplano'];
const COMPANY_KINDS = ['Consulting', 'Pharma', 'Mining', 'Logistics', 'Bank', 'Software', 'Insurance', 'Motors', 'Foods', 'Energy'];
const AGENCY_KINDS = ['Travel', 'Tours', 'Voyages', 'Reisen', 'Viajes', 'Expeditions'];

function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export function personName(rng: Rng, language: string): { name: string; email: string } {
  const first = pick(rng, FIRST[language] ?? FIRST.en);
  const last = pick(rng, LAST[language] ?? LAST.en);
  return { name: `${first} ${last}`, email: `${ascii(first)}.${ascii(last)}` };
}

export function organisationName(rng: Rng, kind: 'corporate' | 'agency'): { name: string; email: string } {
  const word = pick(rng, COMPANY_WORDS);
  const name = kind === 'corporate' ? `${word} ${pick(rng, COMPANY_KINDS)}` : `${word} ${pick(rng, AGENCY_KINDS)}`;
  return { name, email: kind === 'corporate' ? 'events' : 'bookings' };
}

export const SALES_AGENTS: readonly string[] = [
  'maria.quispe', 'jose.huaman', 'lucia.flores', 'carlos.mamani', 'ana.torres', 'diego.rojas', 'sofia.vargas', 'miguel.castillo',
  'rosa.gutierrez', 'andres.ramirez', 'valeria.sanchez', 'jorge.condori', 'paola.chavez', 'luis.medina', 'carmen.apaza',
];
