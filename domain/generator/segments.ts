import type { Region, ServiceLevel, Theme } from './catalogue-data.ts';

/**
 * The latent customer segments. Each customer belongs to one; the segment sets the centre of their taste
 * (themes, regions, service level), who travels with them, how far ahead they book, how price-sensitive they
 * are, which markets they come from and how strongly school holidays bind them. None of this is stored in the
 * booking system — the segmentation and recommender models have to find it — but the ground truth records it.
 */
export const SEGMENT_NAMES = ['budget_backpackers', 'culture_families', 'luxury_couples', 'adventure_groups', 'senior_culture', 'corporate_incentive'] as const;
export type SegmentName = (typeof SEGMENT_NAMES)[number];

export type CustomerType = 'individual' | 'family' | 'group' | 'agency' | 'corporate';
export type Channel = 'web' | 'agent' | 'phone' | 'email' | 'partner';
export const CHANNELS: readonly Channel[] = ['web', 'agent', 'phone', 'email', 'partner'];

export interface SegmentSpec {
  name: SegmentName;
  description: string;
  share: number;
  customerTypes: Partial<Record<CustomerType, number>>;
  /** Multipliers on the markets' base shares. */
  markets: Record<string, number>;
  /** Centre of the taste vector, by block (see latent-space.ts). */
  taste: { themes: Record<Theme, number>; regions: Record<Region, number>; levels: Record<ServiceLevel, number> };
  /** Preferred trip length in days; itineraries far from it are less attractive. */
  preferredDays: number;
  /** Median days between quotation and departure before service-level and group-size effects. */
  leadMedianDays: number;
  /** Exponent on the source market's travel propensity: > 1 bound to school holidays, < 0 avoids them. */
  holidayBinding: number;
  /** How much a higher markup lowers the chance to book (per unit of log markup, × 4). */
  priceSensitivity: number;
  /** Trip requests per active year relative to the average customer. */
  tripRate: number;
  /** Probabilities of asking for 1, 2 or 3 alternative quotations. */
  quotesPerRequest: readonly [number, number, number];
  channels: Partial<Record<Channel, number>>;
  specialNeeds: ReadonlyArray<readonly [string, number]>;
  /** Stated budget per person and day, USD (profile preferences). */
  budgetPerPaxDay: number;
  pace: 'active' | 'moderate' | 'relaxed';
}

export const SEGMENTS: readonly SegmentSpec[] = [
  {
    name: 'budget_backpackers',
    description: 'Young independent travellers, one or two, standard service, adventure and nature, book a few weeks ahead, price-sensitive',
    share: 0.24,
    customerTypes: { individual: 1 },
    markets: { US: 0.7, GB: 1.4, DE: 1.6, FR: 1.5, ES: 1.2, BR: 1, AR: 1.2, CL: 1.2, MX: 0.8, PE: 0.6, JP: 0.5, AU: 1.8, CA: 1 },
    taste: {
      themes: { culture: 0.5, adventure: 1.5, nature: 1, gastronomy: 0.2, wellness: -0.5, wildlife: 0.5, beach: 0.8 },
      regions: { andes: 1, amazon: 0.5, coast: 0.5, abroad: 0.3 },
      levels: { standard: 1.5, superior: -0.3, luxury: -2 },
    },
    preferredDays: 8,
    leadMedianDays: 18,
    holidayBinding: 0.3,
    priceSensitivity: 1.6,
    tripRate: 0.9,
    quotesPerRequest: [0.5, 0.35, 0.15],
    channels: { web: 0.75, email: 0.1, phone: 0.05, agent: 0.1 },
    specialNeeds: [['vegetarian', 0.12], ['altitude sickness risk', 0.05]],
    budgetPerPaxDay: 90,
    pace: 'active',
  },
  {
    name: 'culture_families',
    description: 'Parents with children, superior service, culture and wildlife, travel in school holidays, book months ahead',
    share: 0.2,
    customerTypes: { family: 1 },
    markets: { US: 1.2, GB: 0.9, DE: 0.8, FR: 1.2, ES: 1.3, BR: 1.3, AR: 1.1, CL: 1.1, MX: 1.3, PE: 1.8, JP: 0.5, AU: 0.7, CA: 1.1 },
    taste: {
      themes: { culture: 1.5, adventure: -0.3, nature: 1, gastronomy: 0.3, wellness: 0, wildlife: 1.2, beach: 0.6 },
      regions: { andes: 1, amazon: 0.8, coast: 0.6, abroad: 0 },
      levels: { standard: 0.3, superior: 1, luxury: -0.8 },
    },
    preferredDays: 5,
    leadMedianDays: 95,
    holidayBinding: 1.3,
    priceSensitivity: 1,
    tripRate: 0.7,
    quotesPerRequest: [0.3, 0.45, 0.25],
    channels: { web: 0.45, email: 0.25, phone: 0.15, agent: 0.15 },
    specialNeeds: [['child seats', 0.3], ['vegetarian', 0.08], ['nut allergy', 0.04]],
    budgetPerPaxDay: 170,
    pace: 'relaxed',
  },
  {
    name: 'luxury_couples',
    description: 'Couples on a special trip, luxury service, gastronomy and wellness, book far ahead, little price-sensitive',
    share: 0.14,
    customerTypes: { individual: 0.85, agency: 0.15 },
    markets: { US: 1.5, GB: 1.2, DE: 0.8, FR: 0.8, ES: 0.7, BR: 1, AR: 0.4, CL: 0.6, MX: 1.2, PE: 0.5, JP: 1.2, AU: 1.1, CA: 1.3 },
    taste: {
      themes: { culture: 0.8, adventure: -0.5, nature: 0.4, gastronomy: 1.5, wellness: 1.5, wildlife: 0.5, beach: 0.6 },
      regions: { andes: 0.8, amazon: 0.5, coast: 0.4, abroad: 0.9 },
      levels: { standard: -2, superior: 0, luxury: 1.8 },
    },
    preferredDays: 5,
    leadMedianDays: 105,
    holidayBinding: 0.5,
    priceSensitivity: 0.35,
    tripRate: 1,
    quotesPerRequest: [0.45, 0.35, 0.2],
    channels: { agent: 0.35, phone: 0.3, email: 0.25, web: 0.1 },
    specialNeeds: [['honeymoon set-up', 0.15], ['gluten-free', 0.05]],
    budgetPerPaxDay: 600,
    pace: 'relaxed',
  },
  {
    name: 'adventure_groups',
    description: 'Friends travelling in groups of 4–10, treks and the outdoors, standard or superior service',
    share: 0.16,
    customerTypes: { group: 0.85, agency: 0.15 },
    markets: { US: 1, GB: 1.3, DE: 1.5, FR: 1.2, ES: 1, BR: 0.8, AR: 1.2, CL: 1.3, MX: 0.7, PE: 0.7, JP: 0.4, AU: 1.5, CA: 1.2 },
    taste: {
      themes: { culture: 0.2, adventure: 2, nature: 1.2, gastronomy: -0.2, wellness: -0.5, wildlife: 0.6, beach: 0 },
      regions: { andes: 1.4, amazon: 0.6, coast: 0, abroad: 0.6 },
      levels: { standard: 1, superior: 0.5, luxury: -1.5 },
    },
    preferredDays: 5,
    leadMedianDays: 55,
    holidayBinding: 0.6,
    priceSensitivity: 1,
    tripRate: 1,
    quotesPerRequest: [0.4, 0.4, 0.2],
    channels: { web: 0.5, email: 0.3, agent: 0.2 },
    specialNeeds: [['vegetarian', 0.15], ['altitude sickness risk', 0.06]],
    budgetPerPaxDay: 130,
    pace: 'active',
  },
  {
    name: 'senior_culture',
    description: 'Retired travellers, couples or organised groups, culture and gastronomy, superior service, shoulder seasons, book far ahead',
    share: 0.16,
    customerTypes: { group: 0.7, individual: 0.2, agency: 0.1 },
    markets: { US: 1.5, GB: 1.2, DE: 1.2, FR: 1, ES: 0.9, BR: 0.5, AR: 0.5, CL: 0.5, MX: 0.6, PE: 0.3, JP: 2.5, AU: 1, CA: 1.4 },
    taste: {
      themes: { culture: 2, adventure: -1.5, nature: 0.5, gastronomy: 1, wellness: 0.5, wildlife: 0.3, beach: -0.2 },
      regions: { andes: 0.8, amazon: -0.2, coast: 0.8, abroad: 0.5 },
      levels: { standard: -0.5, superior: 1.2, luxury: 0.3 },
    },
    preferredDays: 8,
    leadMedianDays: 140,
    holidayBinding: -0.6,
    priceSensitivity: 0.7,
    tripRate: 1,
    quotesPerRequest: [0.35, 0.4, 0.25],
    channels: { agent: 0.4, phone: 0.3, email: 0.2, web: 0.1 },
    specialNeeds: [['reduced mobility', 0.25], ['altitude sickness risk', 0.2], ['diabetic diet', 0.1]],
    budgetPerPaxDay: 250,
    pace: 'relaxed',
  },
  {
    name: 'corporate_incentive',
    description: 'Companies rewarding teams: groups of 8–24, short programmes, gastronomy and culture, superior or luxury, book months ahead',
    share: 0.1,
    customerTypes: { corporate: 0.85, agency: 0.15 },
    markets: { US: 1.3, GB: 0.7, DE: 0.7, FR: 0.6, ES: 1.2, BR: 1.5, AR: 1, CL: 1.4, MX: 1.6, PE: 1.8, JP: 0.5, AU: 0.4, CA: 0.8 },
    taste: {
      themes: { culture: 0.8, adventure: 0.2, nature: 0.3, gastronomy: 1.5, wellness: 1, wildlife: 0, beach: 0.5 },
      regions: { andes: 1, amazon: 0, coast: 1, abroad: 0.2 },
      levels: { standard: -1, superior: 1, luxury: 1 },
    },
    preferredDays: 3.5,
    leadMedianDays: 115,
    holidayBinding: 0,
    priceSensitivity: 0.45,
    tripRate: 1.6,
    quotesPerRequest: [0.2, 0.4, 0.4],
    channels: { email: 0.5, agent: 0.3, phone: 0.2 },
    specialNeeds: [['vegetarian', 0.2], ['gluten-free', 0.08]],
    budgetPerPaxDay: 400,
    pace: 'moderate',
  },
];

/** Agencies book on behalf of many end clients: more requests, through the partner channel. */
export const AGENCY = { tripRateMultiplier: 2, channels: { partner: 0.7, agent: 0.3 } as Partial<Record<Channel, number>> };
