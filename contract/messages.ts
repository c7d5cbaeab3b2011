import { Type, type Static } from 'typebox';
import { IsoDate } from './common.ts';
import { SERVICE_LEVELS, type ServiceLevel } from './itineraries.ts';

/** POST /v1/messages/understand: one customer message understood (intent, entities, tone, next question). */
export const INTENTS = ['greeting', 'quotation_request', 'booking', 'itinerary_info', 'support', 'payment', 'cancellation', 'general'] as const;
export type Intent = (typeof INTENTS)[number];

/** Longest message understood, in UTF-8 bytes: far above any chat message, far below what would slow the rules. */
export const MAX_MESSAGE_BYTES = 10_240;

export const UnderstandRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_BYTES, description: `The customer's message as written (at most ${MAX_MESSAGE_BYTES} bytes of UTF-8)` }),
    today: Type.Optional(IsoDate('The day relative dates ("next week", "el viernes") are resolved against; default today in Lima')),
  },
  { additionalProperties: false },
);
export type UnderstandRequest = Static<typeof UnderstandRequest>;

const NullableText = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The entities keep the names of the NLU benchmark files they are labelled in (`party_size`, `date_from`…),
 * which the chat conversation stores as its context; see the naming table in README.md.
 */
export const UnderstandAnswer = Type.Object({
  intent: Type.Unsafe<Intent>({ type: 'string', enum: [...INTENTS], description: 'What the message is about' }),
  confidence: Type.Number({ description: 'Probability of the intent; 0 for a message in another language' }),
  language: Type.Union([Type.Literal('es'), Type.Literal('en')], { description: 'Language of the message, and of nextQuestion' }),
  tone: Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')]),
  entities: Type.Object({
    destination: NullableText(Type.String({ description: 'Catalogue name of the first destination mentioned' })),
    destinationCode: NullableText(Type.String({ description: 'Its catalogue code' })),
    date_from: NullableText(Type.String({ format: 'date' })),
    date_to: NullableText(Type.String({ format: 'date', description: 'Empty for a single date' })),
    party_size: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    budget: Type.Union([
      Type.Object({
        amount: Type.Number(),
        currency: Type.Union([Type.Literal('USD'), Type.Literal('PEN'), Type.Literal('EUR'), Type.Literal('GBP')]),
        per: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('party')], { description: 'Only when the message says whether the amount is per person or for the whole party' })),
      }),
      Type.Null(),
    ]),
    service_level: Type.Unsafe<ServiceLevel | null>({ type: ['string', 'null'], enum: [...SERVICE_LEVELS, null] }),
  }),
  missing: Type.Array(Type.Union([Type.Literal('destination'), Type.Literal('dates'), Type.Literal('party_size')]), { description: 'What a quotation still needs' }),
  nextQuestion: Type.String({ description: "What to ask or say next, in the customer's language (an apology first when the tone is negative)" }),
  modelVersion: Type.String({ description: 'Registry version of the nlu family that answered' }),
});
export type UnderstandAnswer = Static<typeof UnderstandAnswer>;
