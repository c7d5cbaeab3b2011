import { Type, type Static } from 'typebox';
import { IsoDate } from './common.ts';

/** GET /v1/destinations: bookings, travellers and revenue per destination for departures in a window. */
export const DestinationsQuery = Type.Object(
  {
    from: Type.Optional(IsoDate('First departure date (default a year ago)')),
    to: Type.Optional(IsoDate('Last departure date (default from + 365 days)')),
  },
  { additionalProperties: false },
);

export const DestinationsReport = Type.Object({
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  destinations: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      country: Type.String(),
      bookings: Type.Integer({ description: 'Bookings not cancelled' }),
      travellers: Type.Integer(),
      revenue: Type.Number({ description: 'USD, bookings not cancelled' }),
      cancelled: Type.Integer(),
    }),
  ),
});
export type DestinationsReport = Static<typeof DestinationsReport>;
