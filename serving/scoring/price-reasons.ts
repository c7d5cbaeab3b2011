import type { Describe } from '../../models/price/reason-codes.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const LEVELS = ['standard', 'superior', 'luxury'];

/** 12345.678 → "12,345.68" (toLocaleString is an order of magnitude slower, and this runs for every reason given). */
function round(value: number, digits = 0): string {
  const [whole, fraction] = Number(value.toFixed(digits)).toString().split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/**
 * Reason codes in a pricing manager's words ("+USD 42: departure in July"), for the price features of
 * features/price-feature-definitions.ts; a feature not named here reads "<name>: <value>". `segmentName` turns a
 * segment number into the segmentation model's name for it.
 */
export function describePriceFeature(segmentName: (segment: number) => string | undefined): Describe {
  return (feature, value) => {
    switch (feature) {
      case 'departure_month':
        return `departure in ${MONTHS[value - 1] ?? `month ${value}`}`;
      case 'departure_weekday':
        return `departure on a ${WEEKDAYS[value - 1] ?? `day ${value}`}`;
      case 'lead_time_days':
        return `quoted ${round(value)} days before departure`;
      case 'group_size':
        return `party of ${round(value)}`;
      case 'duration_days':
        return `${round(value)}-day itinerary`;
      case 'service_level':
        return `${LEVELS[value] ?? `level ${value}`} service`;
      case 'destination_popularity':
        return `${round(value)} bookings for the destination in the last 90 days`;
      case 'season_score':
        return `season demand ${round(value, 2)}× an average month`;
      case 'competition_index':
        return `${round(value)} departures to the destination within a week`;
      case 'departure_load_factor':
        return `departure ${round(100 * value)}% booked`;
      case 'customer_segment':
        return value < 0 ? 'new customer' : `customer segment: ${segmentName(value) ?? value}`;
      default:
        if (feature.startsWith('cost_') && feature.endsWith('_per_pax')) return `${feature.slice(5, -8)} cost ${round(value)} per traveller`;
        return `${feature.replace(/_/g, ' ')}: ${round(value, 2)}`;
    }
  };
}
