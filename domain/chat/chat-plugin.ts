import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { Type, type TSchema } from 'typebox';
import { InputError, SpiritError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { ScoringClient } from '../quotations/scoring-client.ts';
import { CHAT_RETENTION_DAYS, purgeChatHistory, recordChatMessage } from './chat-history.ts';
import { converse } from './conversation.ts';
import { ServingCalls } from './serving-calls.ts';
import { MemorySessionStore, RedisSessionStore, SESSION_TTL_MS, type SessionStore } from './session-store.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { credentialOf, ownAddress } from '../../platform/http/forwarded-call.ts';
import { errorResponses } from '../../contract/common.ts';
import { limaToday, todayOutOfRange } from '../../platform/calendar/lima-today.ts';

/**
 * `POST /v1/chat/messages`, the conversation a web or WhatsApp front end holds with a customer, as a plugin for
 * `buildApp({ plugins })` like the GraphQL layer: the booking system's side (sessions, the catalogue, the
 * quotation engine) reaching the models over HTTP with the caller's own credential — the message is understood
 * by POST /v1/messages/understand, prices come from the scoring API.
 */
export interface ChatOptions {
  pool: pg.Pool;
  log: Logger;
  /** Sessions shared by replicas; by default each process keeps its own. */
  redisUrl?: string;
  redisPrefix?: string;
  sessionTtlMs?: number;
  /** The scoring API; by default this server itself, at the address the request came to. */
  scoringUrl?: string;
  /** Days a message is kept (CHAT_RETENTION_DAYS); older ones are deleted at start and every hour after. */
  retentionDays?: number;
}

const PURGE_EVERY_MS = 3_600_000;

/** As for POST /v1/messages/understand: far above a chat message. */
export const MAX_MESSAGE_BYTES = 10_240;

const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const Budget = Nullable(
  Type.Object({ amount: Type.Number(), currency: Type.String(), per: Type.Optional(Type.String({ description: 'person or party, when the customer said which' })) }),
);
const Entities = {
  destination: Nullable(Type.String({ description: 'Catalogue name of the destination' })),
  destinationCode: Nullable(Type.String()),
  date_from: Nullable(Type.String({ format: 'date' })),
  date_to: Nullable(Type.String({ format: 'date' })),
  party_size: Nullable(Type.Integer()),
  budget: Budget,
  service_level: Nullable(Type.String()),
};

const ChatRequest = Type.Object(
  {
    sessionId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:@+-]+$', description: "The front end's conversation id (letters, digits and . _ : @ + -); context carries over between its messages" }),
    text: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_BYTES, description: `The customer's message as written (at most ${MAX_MESSAGE_BYTES} bytes of UTF-8)` }),
    customerId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The customer, when the front end knows them: recommendations (with their consent) and the quotation are for them' })),
    today: Type.Optional(Type.String({ format: 'date', description: 'The day relative dates are resolved against (YYYY-MM-DD); default today in Lima' })),
  },
  { additionalProperties: false },
);

const ChatAnswer = Type.Object({
  sessionId: Type.String(),
  intent: Type.String(),
  confidence: Type.Number(),
  language: Type.String({ description: 'es or en: the language of reply' }),
  tone: Type.String(),
  understood: Type.Boolean({ description: 'False for a message in another language or with nothing readable: nothing of it was kept' }),
  entities: Type.Object(Entities, { description: 'What this message said' }),
  context: Type.Object(Entities, { description: 'What the conversation knows so far' }),
  missing: Type.Array(Type.String(), { description: 'What a quotation still needs: destination, dates, party_size' }),
  reply: Type.String({ description: "What to say next, in the customer's language" }),
  itineraries: Type.Array(
    Type.Object({
      itineraryId: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      serviceLevel: Type.String(),
      days: Type.Integer(),
      source: Type.String({ description: 'recommender or catalogue' }),
      listPrice: Type.Optional(
        Type.Object(
          { total: Type.Number(), perPerson: Type.Number(), currency: Type.String() },
          { description: 'With a stated budget: the price a quotation for this party starts from (cost times the house markup)' },
        ),
      ),
      withinBudget: Type.Optional(Type.Boolean({ description: 'With a stated budget in the prices\' currency: whether the list price fits it, per person or in total as the customer said (in total when unsaid); absent when the budget could not be compared' })),
    }),
    { description: 'Proposed when the quote request is complete, those within a stated budget first; the first is the one quoted' },
  ),
  quotation: Nullable(
    Type.Object({
      quotationId: Type.Integer(),
      itineraryId: Type.Integer(),
      itineraryName: Type.String(),
      departureDate: Type.String({ format: 'date' }),
      partySize: Type.Integer(),
      priceTotal: Type.Number(),
      currency: Type.String(),
      priceSource: Type.String(),
    }),
  ),
  modelVersion: Type.String({ description: 'Registry version of the nlu family that understood the message' }),
});

/** A session store that does not answer is a 503 the front end can retry, not a conversation silently restarted. */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw Object.assign(new SpiritError('store_unavailable', `the session store does not answer right now (${what}); retry shortly`), { cause: error });
  }
}

export function chatConversation(options: ChatOptions): FastifyPluginAsync {
  return async (app) => {
    let store: SessionStore;
    let redis: Redis | undefined;
    const ttl = options.sessionTtlMs ?? SESSION_TTL_MS;
    if (options.redisUrl) {
      const { Redis: RedisClient } = await import('ioredis');
      redis = new RedisClient(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000 });
      redis.on('error', (err) => options.log.warn('chat session store: redis error', { error: err.message }));
      await redis.connect().catch((err) => options.log.warn('chat session store: redis not reachable at start', { error: (err as Error).message }));
      store = new RedisSessionStore(redis, `${options.redisPrefix ?? 'spirit:'}chat:v1:`, ttl);
      app.addHook('onClose', async () => {
        redis!.disconnect();
      });
    } else {
      store = new MemorySessionStore(ttl);
    }

    // Retention: every replica purges; the DELETE is idempotent, so running it twice costs only the scan.
    const retentionDays = options.retentionDays ?? CHAT_RETENTION_DAYS;
    const purge = () =>
      purgeChatHistory(options.pool, retentionDays)
        .then((n) => n > 0 && options.log.info('chat messages past retention deleted', { messages: n, retentionDays }))
        .catch((err) => options.log.warn('chat retention purge failed; tried again within the hour', { error: (err as Error).message }));
    void purge();
    const purger = setInterval(purge, PURGE_EVERY_MS).unref();
    app.addHook('onClose', async () => clearInterval(purger));

    app.post(
      '/v1/chat/messages',
      {
        // The quotation it may make writes its own audit row (quotation.create) in the engine's transaction.
        config: { roles: ['quotation-engine', 'admin'], audit: 'recorded' },
        schema: {
          tags: ['messages'],
          summary: 'A customer message in a conversation: understood, merged with the session, answered; a complete quote request gets itineraries and a quotation',
          body: ChatRequest,
          response: { 200: ChatAnswer, ...errorResponses(400, 401, 403, 404, 429, 503) },
        },
      },
      async (request) => {
        const body = request.body as { sessionId: string; text: string; customerId?: number; today?: string };
        if (body.text.trim() === '') throw new InputError('text must not be empty', 'text');
        if (Buffer.byteLength(body.text, 'utf8') > MAX_MESSAGE_BYTES) throw new InputError(`text must be at most ${MAX_MESSAGE_BYTES} bytes of UTF-8`, 'text');
        const credential = credentialOf(request);
        const base = options.scoringUrl ?? ownAddress(request);
        const calls = new ServingCalls(base, credential);
        const outOfRange = body.today === undefined ? undefined : todayOutOfRange(body.today);
        if (outOfRange) throw new InputError(outOfRange, 'today');
        const today = body.today ?? limaToday();
        const understanding = await calls.understand(body.text, today);
        const stored = await guarded('read', () => store.load(body.sessionId));
        const { reply, context } = await converse(
          { pool: options.pool, log: options.log, calls, scorer: new ScoringClient({ baseUrl: base, apiKey: credential }), actor: actorOf(request) },
          { sessionId: body.sessionId, text: body.text, customerId: body.customerId, today },
          understanding,
          stored,
        );
        await guarded('write', () => store.save(body.sessionId, context));
        // The record is for analysts: the customer's answer does not wait on it failing.
        await recordChatMessage(options.pool, { sessionId: body.sessionId, text: body.text, customerId: context.customerId }, reply).catch((error) =>
          options.log.warn('chat message not recorded', { reqId: request.id, error: (error as Error).message }),
        );
        return reply;
      },
    );
  };
}
