import type { Redis } from 'ioredis';
import type { StatedBudget } from './budget-fit.ts';

/**
 * What a conversation has learnt so far, carried from one message of a session to the next: the quote request's
 * pieces as the customer gave them (a later message overrides an earlier one), the language to answer in, and
 * the quotation already made for them (so a "thanks!" after it does not make a second one).
 */
export interface ConversationContext {
  language: 'es' | 'en' | null;
  destination: string | null;
  destinationCode: string | null;
  date_from: string | null;
  date_to: string | null;
  party_size: number | null;
  budget: StatedBudget | null;
  service_level: string | null;
  /** Some message of the session asked for a quotation. */
  wantsQuotation: boolean;
  customerId: number | null;
  /** The request a quotation was made for (destination|dates|party), and that quotation. */
  quotedFor: string | null;
  quotationId: number | null;
  messages: number;
}

export function emptyContext(): ConversationContext {
  return { language: null, destination: null, destinationCode: null, date_from: null, date_to: null, party_size: null, budget: null, service_level: null, wantsQuotation: false, customerId: null, quotedFor: null, quotationId: null, messages: 0 };
}

/** Where contexts live between messages, each for a time-to-live counted from its last message. */
export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  load(sessionId: string): Promise<ConversationContext | undefined>;
  save(sessionId: string, context: ConversationContext): Promise<void>;
}

/** Default: a conversation left for this long starts over (a customer back the next day states the trip again). */
export const SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/**
 * One process's sessions, for a single API process: bounded (the oldest session goes first) so a flood of new
 * session ids cannot grow memory without end.
 */
export class MemorySessionStore implements SessionStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { expiresAt: number; context: ConversationContext }>();

  constructor(
    private readonly ttlMs = SESSION_TTL_MS,
    private readonly maxSessions = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async load(sessionId: string): Promise<ConversationContext | undefined> {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return structuredClone(entry.context);
  }

  async save(sessionId: string, context: ConversationContext): Promise<void> {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { expiresAt: this.now() + this.ttlMs, context: structuredClone(context) });
    while (this.entries.size > this.maxSessions) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Shared by every API replica when REDIS_URL is set: a WhatsApp front end may send a session's messages to
 * different replicas. One JSON value per session with its time-to-live (SET … PX).
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'spirit:chat:v1:',
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  async load(sessionId: string): Promise<ConversationContext | undefined> {
    const text = await this.redis.get(this.prefix + sessionId);
    return text === null ? undefined : { ...emptyContext(), ...(JSON.parse(text) as Partial<ConversationContext>) };
  }

  async save(sessionId: string, context: ConversationContext): Promise<void> {
    await this.redis.set(this.prefix + sessionId, JSON.stringify(context), 'PX', this.ttlMs);
  }
}
