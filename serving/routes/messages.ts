import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InputError } from '../../platform/errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { MAX_MESSAGE_BYTES, UnderstandAnswer, UnderstandRequest } from '../../contract/messages.ts';
import { limaToday, todayOutOfRange } from '../../platform/calendar/lima-today.ts';

/** Control characters other than tab and line breaks: a message carrying them is a file, not something a person typed. */
const BINARY = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

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
      const outOfRange = request.body.today === undefined ? undefined : todayOutOfRange(request.body.today);
      if (outOfRange) throw new InputError(outOfRange, 'today');
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
