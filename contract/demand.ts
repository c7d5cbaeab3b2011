import { Type, type Static } from 'typebox';
import { IsoDate, ScoredFields } from './common.ts';

/** GET /v1/demand: a destination's forecast over a window, and its departures' load factor and pace. */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const DemandQuery = Type.Object(
  {
    destination: Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'Destination code, e.g. cusco' }),
    from: Type.Optional(IsoDate('Start of the window (default today)')),
    to: Type.Optional(IsoDate('End of the window (default from + 90 days)')),
    granularity: Type.Optional(Type.Enum([...GRANULARITIES], { description: 'Period of the forecast rows (default: the model’s own)' })),
  },
  { additionalProperties: false },
);

const Bounds = { mean: Type.Number(), lo80: Type.Number(), hi80: Type.Number(), lo95: Type.Number(), hi95: Type.Number() };

export const DemandOutlookSchema = Type.Object({
  destination: Type.String(),
  measure: Type.String({ description: 'What is forecast: travellers booking in each period' }),
  granularity: Type.String(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  forecast: Type.Array(
    Type.Object({
      start: Type.String({ description: 'First day the row covers: that of the first model step counted in the window (a step the window only touches counts whole)' }),
      // Optional: servers from before it was added answer without it, and a client must still read them.
      days: Type.Optional(Type.Integer({ minimum: 1, description: 'Days the row covers: fewer than the period’s when the window cuts it' })),
      ...Bounds,
    }),
  ),
  // Optional: servers from before it was added answer without it, and a client must still read them.
  forecastFrom: Type.Optional(
    Type.String({ description: 'First day the served model forecasts (the day after its data ends): the part of the window before it has no forecast (past departures are in `departures`)' }),
  ),
  departures: Type.Union([
    Type.Object({
      count: Type.Integer(),
      capacity: Type.Number(),
      bookedTravellers: Type.Number(),
      loadFactor: Type.Union([Type.Number(), Type.Null()]),
      expectedLoadFactor: Type.Union([Type.Object({ expected: Type.Number(), lo80: Type.Number(), hi80: Type.Number() }), Type.Null()]),
      pace: Type.Union([
        Type.Object({
          pace: Type.Union([Type.Number(), Type.Null()], { description: '(booked now + 1) / (booked then + 1), then being the same date in the earlier year: 1 = same pace' }),
          leadTimeDays: Type.Integer(),
          // Optional: servers from before it was added answer without it, and a client must still read them.
          yearsBack: Type.Optional(Type.Integer({ minimum: 1, description: 'The earlier year the pace compares with: 1 = last year, more when that year had sold nothing by now' })),
          bookedLastYear: Type.Number({ description: 'Travellers booked by this lead time in the year compared with' }),
          projectedFinal: Type.Number(),
        }),
        Type.Null(),
      ]),
    }),
    Type.Null(),
  ]),
  ...ScoredFields,
});
export type DemandOutlook = Static<typeof DemandOutlookSchema>;
