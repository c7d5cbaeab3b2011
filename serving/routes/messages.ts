import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { InputError } from '../../platform/errors.ts';
import { INTENTS, SERVICE_LEVELS, type Intent, type ServiceLevel } from '../../models/nlu/intents.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, IsoDate, SCORED_ERRORS } from '../http/schemas.ts';

/** Longest message understood, in UTF-8 bytes: far above any chat message, far below what would slow the rules. */
export const MAX_MESSAGE_BYTES = 10_240;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const UnderstandRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_BYTES, description: `The customer's message as written (at most ${MAX_MESSAGE_BYTES} bytes of UTF-8)` }),
    today: Type.Optional(IsoDate('The day relative dates ("next week", "el viernes") are resolved against; default today in Lima')),
  },
  { additionalProperties: false },
);

const UnderstandAnswer = Type.Object({
  intent: Type.Unsafe<Intent>({ type: 'string', enum: [...INTENTS], description: 'What the message is about' }),
  confidence: Type.Number({ description: 'Probability of the intent; 0 for a message in another language' }),
  language: Type.Union([Type.Literal('es'), Type.Literal('en')], { description: 'Language of the message, and of nextQuestion' }),
  tone: Type.Union([Type.Literal('positive'), Type.Literal('neutral'), Type.Literal('negative')]),
  entities: Type.Object({
    destination: Nullable(Type.String({ description: 'Catalogue name of the first destination mentioned' })),
    destinationCode: Nullable(Type.String({ description: 'Its catalogue code' })),
    date_from: Nullable(Type.String({ format: 'date' })),
    date_to: Nullable(Type.String({ format: 'date', description: 'Empty for a single date' })),
    party_size: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    budget: Type.Union([Type.Object({ amount: Type.Number(), currency: Type.Union([Type.Literal('USD'), Type.Literal('PEN'), Type.Literal('EUR')]) }), Type.Null()]),
    service_level: Type.Unsafe<ServiceLevel | null>({ type: ['string', 'null'], enum: [...SERVICE_LEVELS, null] }),
  }),
  missing: Type.Array(Type.Union([Type.Literal('destination'), Type.Literal('dates'), Type.Literal('party_size')]), { description: 'What a quotation still needs' }),
  nextQuestion: Type.String({ description: "What to ask or say next, in the customer's language (an apology first when the tone is negative)" }),
  modelVersion: Type.String({ description: 'Registry version of the nlu family that answered' }),
});

/** Control characters other than tab and line breaks: a message carrying them is a file, not something a person typed. */
const BINARY = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function limaToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/**
 * POST /v1/messages/understand: intent, entities, tone, what a quotation still lacks and the next question, for
 * one customer message. Computes only: the message is neither stored nor logged (a conversation, with its
 * consent rules, is another route's business).
 */
export const messageRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/messages/understand',
    {
      config: { roles: ACCESS.converse, audit: 'not-a-write' },
      schema: {
        tags: ['messages'],
        summary: "Understand a customer's message (Spanish or English): intent, entities, tone, what is missing, next question",
        body: UnderstandRequest,
        response: { 200: UnderstandAnswer, ...errorResponses(...SCORED_ERRORS) },
      },
    },
    async (request) => {
      const { text } = request.body;
      if (text.trim() === '') throw new InputError('text must not be empty', 'text');
      if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES) throw new InputError(`text must be at most ${MAX_MESSAGE_BYTES} bytes of UTF-8`, 'text');
      if (BINARY.test(text)) throw new InputError('text must be readable text, not binary data (control characters found)', 'text');
      const served = ctx.champions.get('nlu');
      const [answer] = served.model.predict([{ text, today: request.body.today ?? limaToday() }]);
      const destination = answer.entities.destination === null ? null : served.model.codeOf(answer.entities.destination);
      return {
        intent: answer.intent,
        confidence: Number(answer.confidence.toFixed(4)),
        language: answer.language,
        tone: answer.tone,
        entities: { ...answer.entities, destinationCode: destination },
        missing: answer.missing,
        nextQuestion: answer.nextQuestion,
        modelVersion: served.version,
      };
    },
  );
};
