/**
 * What Spirit Tours sells, as editable data: destinations in Peru and the neighbouring countries, and the tour
 * templates offered at each. catalogue.ts turns every template × duration × service level into an itinerary
 * with costed components. Costs are in USD and set to the order of magnitude of real supplier rates.
 */
export const THEMES = ['culture', 'adventure', 'nature', 'gastronomy', 'wellness', 'wildlife', 'beach'] as const;
export type Theme = (typeof THEMES)[number];

/** Where a destination sits in the customers' taste space (see latent-space.ts). */
export const REGIONS = ['andes', 'amazon', 'coast', 'abroad'] as const;
export type Region = (typeof REGIONS)[number];

export const SERVICE_LEVELS = ['standard', 'superior', 'luxury'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

/** Seasonal demand profiles; seasons.ts holds their monthly shape. */
export type SeasonProfile =
  | 'andes'
  | 'lima'
  | 'coast_desert'
  | 'beach_north'
  | 'amazon'
  | 'uyuni'
  | 'galapagos'
  | 'ecuador_andes'
  | 'caribbean'
  | 'atacama'
  | 'iguazu';

export interface DestinationSpec {
  code: string;
  name: string;
  country: string;
  /** The `region` column: a name staff use. */
  region: string;
  season: SeasonProfile;
  /** Weights over REGIONS (sum 1). */
  taste: Partial<Record<Region, number>>;
  /** Relative pull, the `popularity` column (1 = average). */
  popularity: number;
  /** Local price level of hotels and services (1 = Peru's average). */
  costLevel: number;
  /** Per-person flight into the destination for trips of 3 days or more; 0 when reached by road. */
  flight: number;
}

export const DESTINATIONS: readonly DestinationSpec[] = [
  { code: 'cusco', name: 'Cusco & Machu Picchu', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 1 }, popularity: 3, costLevel: 1.15, flight: 110 },
  { code: 'sacred-valley', name: 'Sacred Valley', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 1 }, popularity: 1.5, costLevel: 1.1, flight: 110 },
  { code: 'lima', name: 'Lima', country: 'PE', region: 'Coast', season: 'lima', taste: { coast: 1 }, popularity: 1.6, costLevel: 1, flight: 0 },
  { code: 'arequipa', name: 'Arequipa', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 0.8, coast: 0.2 }, popularity: 0.9, costLevel: 0.9, flight: 95 },
  { code: 'colca', name: 'Colca Canyon', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 1 }, popularity: 0.7, costLevel: 0.85, flight: 95 },
  { code: 'puno-titicaca', name: 'Puno & Lake Titicaca', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 1 }, popularity: 1, costLevel: 0.85, flight: 100 },
  { code: 'nazca-paracas', name: 'Nazca & Paracas', country: 'PE', region: 'Coast', season: 'coast_desert', taste: { coast: 1 }, popularity: 0.9, costLevel: 0.9, flight: 0 },
  { code: 'iquitos-amazon', name: 'Iquitos & the Amazon', country: 'PE', region: 'Amazon', season: 'amazon', taste: { amazon: 1 }, popularity: 0.9, costLevel: 1.1, flight: 120 },
  { code: 'tambopata', name: 'Tambopata Rainforest', country: 'PE', region: 'Amazon', season: 'amazon', taste: { amazon: 1 }, popularity: 0.6, costLevel: 1.05, flight: 110 },
  { code: 'huaraz', name: 'Huaraz & Cordillera Blanca', country: 'PE', region: 'Andes', season: 'andes', taste: { andes: 1 }, popularity: 0.6, costLevel: 0.8, flight: 0 },
  { code: 'mancora', name: 'Máncora', country: 'PE', region: 'Coast', season: 'beach_north', taste: { coast: 1 }, popularity: 0.6, costLevel: 0.9, flight: 100 },
  { code: 'uyuni', name: 'Uyuni Salt Flat', country: 'BO', region: 'Altiplano', season: 'uyuni', taste: { andes: 0.5, abroad: 0.5 }, popularity: 0.7, costLevel: 0.9, flight: 180 },
  { code: 'galapagos', name: 'Galápagos Islands', country: 'EC', region: 'Galápagos', season: 'galapagos', taste: { abroad: 1 }, popularity: 0.9, costLevel: 1.8, flight: 420 },
  { code: 'quito', name: 'Quito & the Avenue of Volcanoes', country: 'EC', region: 'Andes', season: 'ecuador_andes', taste: { andes: 0.4, abroad: 0.6 }, popularity: 0.5, costLevel: 0.95, flight: 150 },
  { code: 'cartagena', name: 'Cartagena', country: 'CO', region: 'Caribbean', season: 'caribbean', taste: { coast: 0.4, abroad: 0.6 }, popularity: 0.6, costLevel: 1.1, flight: 160 },
  { code: 'atacama', name: 'San Pedro de Atacama', country: 'CL', region: 'Atacama Desert', season: 'atacama', taste: { andes: 0.3, abroad: 0.7 }, popularity: 0.6, costLevel: 1.2, flight: 170 },
  { code: 'iguazu', name: 'Iguazú Falls', country: 'AR', region: 'Atlantic Forest', season: 'iguazu', taste: { abroad: 1 }, popularity: 0.6, costLevel: 1.05, flight: 190 },
];

export interface TourTemplate {
  destination: string;
  name: string;
  themes: Partial<Record<Theme, number>>;
  durations: readonly number[];
  levels: readonly ServiceLevel[];
  /** Entrance fees and permits per person for the whole tour. */
  entrance: number;
  /** A per-person ride that defines the tour (train to Machu Picchu, boat, cruise cabin supplement), 0 if none. */
  ride?: { name: string; cost: number };
  /** Relative appeal within its destination. */
  appeal?: number;
}

const ALL: readonly ServiceLevel[] = ['standard', 'superior', 'luxury'];
const STD_SUP: readonly ServiceLevel[] = ['standard', 'superior'];
const SUP_LUX: readonly ServiceLevel[] = ['superior', 'luxury'];

export const TEMPLATES: readonly TourTemplate[] = [
  { destination: 'cusco', name: 'Classic Cusco & Machu Picchu', themes: { culture: 3, nature: 1 }, durations: [4, 5], levels: ALL, entrance: 95, ride: { name: 'Train to Aguas Calientes', cost: 140 }, appeal: 2.5 },
  { destination: 'cusco', name: 'Inca Trail to Machu Picchu', themes: { adventure: 3, culture: 2, nature: 2 }, durations: [4, 5], levels: STD_SUP, entrance: 260, appeal: 1.6 },
  { destination: 'cusco', name: 'Salkantay Trek', themes: { adventure: 3, nature: 2 }, durations: [5], levels: STD_SUP, entrance: 90 },
  { destination: 'cusco', name: 'Rainbow Mountain Day Hike', themes: { adventure: 2, nature: 2 }, durations: [1], levels: ['standard'], entrance: 10 },
  { destination: 'cusco', name: 'Cusco Culinary Journey', themes: { gastronomy: 3, culture: 1 }, durations: [3], levels: SUP_LUX, entrance: 40 },
  { destination: 'cusco', name: 'Machu Picchu by Hiram Bingham', themes: { culture: 2, wellness: 1, gastronomy: 1 }, durations: [3], levels: ['luxury'], entrance: 70, ride: { name: 'Hiram Bingham luxury train', cost: 1100 } },
  { destination: 'cusco', name: 'Inti Raymi Festival Experience', themes: { culture: 3, nature: 1 }, durations: [4], levels: ALL, entrance: 180, ride: { name: 'Train to Aguas Calientes', cost: 140 } },
  { destination: 'cusco', name: 'Cusco & Machu Picchu with Kids', themes: { culture: 2, nature: 1, wildlife: 1 }, durations: [5], levels: STD_SUP, entrance: 80, ride: { name: 'Train to Aguas Calientes', cost: 120 } },
  { destination: 'sacred-valley', name: 'Sacred Valley Markets & Ruins', themes: { culture: 2, nature: 1 }, durations: [2, 3], levels: ALL, entrance: 45, appeal: 1.5 },
  { destination: 'sacred-valley', name: 'Sacred Valley Wellness Retreat', themes: { wellness: 3, nature: 1 }, durations: [4, 6], levels: SUP_LUX, entrance: 20 },
  { destination: 'sacred-valley', name: 'Sacred Valley Rafting & Biking', themes: { adventure: 3, nature: 1 }, durations: [2], levels: ['standard'], entrance: 60 },
  { destination: 'sacred-valley', name: 'Andean Weaving & Farm-to-Table', themes: { gastronomy: 2, culture: 2 }, durations: [3], levels: SUP_LUX, entrance: 35 },
  { destination: 'lima', name: 'Lima Gastronomy Tour', themes: { gastronomy: 3, culture: 1 }, durations: [2, 3], levels: ALL, entrance: 60, appeal: 1.5 },
  { destination: 'lima', name: 'Colonial Lima & Pachacamac', themes: { culture: 3 }, durations: [2], levels: STD_SUP, entrance: 25 },
  { destination: 'lima', name: 'Lima Meetings & Incentives', themes: { gastronomy: 2, culture: 1, wellness: 1 }, durations: [3], levels: SUP_LUX, entrance: 30 },
  { destination: 'lima', name: 'Peru Highlights: Lima, Cusco & Titicaca', themes: { culture: 3, nature: 1, gastronomy: 1 }, durations: [10, 12], levels: ALL, entrance: 180, ride: { name: 'Train to Aguas Calientes', cost: 140 }, appeal: 2 },
  { destination: 'arequipa', name: 'White City Arequipa', themes: { culture: 3, gastronomy: 1 }, durations: [2, 3], levels: ALL, entrance: 30 },
  { destination: 'arequipa', name: 'Arequipa & Misti Volcano Climb', themes: { adventure: 3, nature: 1 }, durations: [4], levels: ['standard'], entrance: 40 },
  { destination: 'colca', name: 'Colca Canyon & Condors', themes: { nature: 2, wildlife: 2, culture: 1 }, durations: [2, 3], levels: ALL, entrance: 25 },
  { destination: 'colca', name: 'Colca Canyon Trek', themes: { adventure: 3, nature: 2 }, durations: [3], levels: ['standard'], entrance: 25 },
  { destination: 'puno-titicaca', name: 'Lake Titicaca Islands', themes: { culture: 2, nature: 1 }, durations: [2, 3], levels: ALL, entrance: 20, ride: { name: 'Boat to Uros and Taquile', cost: 35 } },
  { destination: 'puno-titicaca', name: 'Titicaca Homestay', themes: { culture: 3 }, durations: [2], levels: ['standard'], entrance: 15, ride: { name: 'Boat to Amantaní', cost: 30 } },
  { destination: 'puno-titicaca', name: 'Candelaria Festival in Puno', themes: { culture: 3 }, durations: [3], levels: STD_SUP, entrance: 40 },
  { destination: 'nazca-paracas', name: 'Nazca Lines Overflight', themes: { culture: 2, adventure: 1 }, durations: [1, 2], levels: STD_SUP, entrance: 10, ride: { name: 'Nazca Lines flight', cost: 110 } },
  { destination: 'nazca-paracas', name: 'Paracas & Ballestas Islands', themes: { wildlife: 3, beach: 1, nature: 1 }, durations: [2, 3], levels: ALL, entrance: 15, ride: { name: 'Boat to the Ballestas Islands', cost: 25 } },
  { destination: 'nazca-paracas', name: 'Huacachina Dunes & Pisco Tasting', themes: { adventure: 2, gastronomy: 1 }, durations: [2], levels: STD_SUP, entrance: 30 },
  { destination: 'iquitos-amazon', name: 'Amazon River Cruise', themes: { wildlife: 3, nature: 2, wellness: 1 }, durations: [4, 5], levels: SUP_LUX, entrance: 60, ride: { name: 'River cruise supplement', cost: 350 } },
  { destination: 'iquitos-amazon', name: 'Amazon Jungle Lodge', themes: { nature: 3, wildlife: 2 }, durations: [3, 4], levels: STD_SUP, entrance: 30, ride: { name: 'Speedboat to the lodge', cost: 40 } },
  { destination: 'iquitos-amazon', name: 'Pacaya-Samiria Expedition', themes: { adventure: 2, wildlife: 3 }, durations: [6], levels: STD_SUP, entrance: 70, ride: { name: 'Expedition boat', cost: 120 } },
  { destination: 'tambopata', name: 'Tambopata Rainforest Lodge', themes: { wildlife: 3, nature: 2 }, durations: [3, 4], levels: ALL, entrance: 35, ride: { name: 'Boat to the lodge', cost: 40 } },
  { destination: 'tambopata', name: 'Macaw Clay Lick Expedition', themes: { wildlife: 3, adventure: 1 }, durations: [5], levels: STD_SUP, entrance: 50, ride: { name: 'Boat to the lodge', cost: 60 } },
  { destination: 'huaraz', name: 'Laguna 69 & Cordillera Blanca', themes: { adventure: 2, nature: 3 }, durations: [3], levels: STD_SUP, entrance: 20 },
  { destination: 'huaraz', name: 'Santa Cruz Trek', themes: { adventure: 3, nature: 2 }, durations: [5], levels: ['standard'], entrance: 30 },
  { destination: 'huaraz', name: 'Huayhuash Circuit', themes: { adventure: 3, nature: 2 }, durations: [10], levels: STD_SUP, entrance: 80 },
  { destination: 'mancora', name: 'Máncora Beach Break', themes: { beach: 3, wellness: 1 }, durations: [4, 7], levels: ALL, entrance: 0 },
  { destination: 'mancora', name: 'Surf & Whale Watching in Máncora', themes: { beach: 2, adventure: 1, wildlife: 1 }, durations: [5], levels: STD_SUP, entrance: 20, ride: { name: 'Whale watching boat', cost: 45 } },
  { destination: 'uyuni', name: 'Uyuni Salt Flat Jeep Tour', themes: { adventure: 2, nature: 3 }, durations: [3, 4], levels: STD_SUP, entrance: 25 },
  { destination: 'uyuni', name: 'Uyuni Luxury Airstream Camp', themes: { nature: 2, wellness: 1 }, durations: [3], levels: ['luxury'], entrance: 25 },
  { destination: 'uyuni', name: 'Titicaca to Uyuni Overland', themes: { adventure: 2, culture: 1, nature: 2 }, durations: [7], levels: STD_SUP, entrance: 60 },
  { destination: 'galapagos', name: 'Galápagos Island Hopping', themes: { wildlife: 3, beach: 1, nature: 1 }, durations: [5, 7], levels: ALL, entrance: 220, ride: { name: 'Inter-island speedboats', cost: 150 } },
  { destination: 'galapagos', name: 'Galápagos Expedition Cruise', themes: { wildlife: 3, nature: 2 }, durations: [5, 8], levels: SUP_LUX, entrance: 220, ride: { name: 'Expedition cruise supplement', cost: 900 } },
  { destination: 'galapagos', name: 'Galápagos Family Adventure', themes: { wildlife: 2, beach: 2, adventure: 1 }, durations: [6], levels: ['superior'], entrance: 220, ride: { name: 'Inter-island speedboats', cost: 150 } },
  { destination: 'quito', name: 'Quito Colonial & Middle of the World', themes: { culture: 3 }, durations: [2, 3], levels: ALL, entrance: 25 },
  { destination: 'quito', name: 'Avenue of the Volcanoes & Cotopaxi', themes: { adventure: 2, nature: 2 }, durations: [4], levels: STD_SUP, entrance: 20 },
  { destination: 'quito', name: 'Otavalo Markets & Haciendas', themes: { culture: 2, gastronomy: 1 }, durations: [3], levels: SUP_LUX, entrance: 15 },
  { destination: 'cartagena', name: 'Cartagena Walled City', themes: { culture: 2, gastronomy: 1, beach: 1 }, durations: [3, 4], levels: ALL, entrance: 30 },
  { destination: 'cartagena', name: 'Rosario Islands Escape', themes: { beach: 3, wellness: 1 }, durations: [4], levels: SUP_LUX, entrance: 20, ride: { name: 'Boat to the Rosario Islands', cost: 60 } },
  { destination: 'cartagena', name: 'Cartagena Incentive Programme', themes: { gastronomy: 2, beach: 1, culture: 1 }, durations: [4], levels: SUP_LUX, entrance: 40 },
  { destination: 'atacama', name: 'Atacama Stargazing & Geysers', themes: { nature: 3, adventure: 1 }, durations: [4], levels: ALL, entrance: 60 },
  { destination: 'atacama', name: 'Atacama Luxury Lodge', themes: { wellness: 2, nature: 2, gastronomy: 1 }, durations: [4, 5], levels: ['luxury'], entrance: 40 },
  { destination: 'iguazu', name: 'Iguazú Falls Both Sides', themes: { nature: 3, wildlife: 1 }, durations: [2, 3], levels: ALL, entrance: 45 },
  { destination: 'iguazu', name: 'Iguazú & Jungle Lodge', themes: { nature: 2, wildlife: 2, wellness: 1 }, durations: [4], levels: SUP_LUX, entrance: 45 },
];

/** Supplier rates by service level: per room-night, per vehicle-day, per guide-day, meals per person-day. */
export const LEVEL_RATES: Record<ServiceLevel, { room: number; hotel: string; vehicle: { name: string; seats: number; perDay: number }; guidePerDay: number; mealsPerDay: number; capacity: readonly [number, number] }> = {
  standard: { room: 55, hotel: '3★ hotel', vehicle: { name: 'Minibus', seats: 15, perDay: 90 }, guidePerDay: 85, mealsPerDay: 15, capacity: [24, 32] },
  superior: { room: 125, hotel: '4★ boutique hotel', vehicle: { name: 'Van', seats: 10, perDay: 115 }, guidePerDay: 120, mealsPerDay: 32, capacity: [16, 24] },
  luxury: { room: 390, hotel: '5★ luxury hotel', vehicle: { name: 'Executive van', seats: 6, perDay: 170 }, guidePerDay: 190, mealsPerDay: 75, capacity: [10, 16] },
};
