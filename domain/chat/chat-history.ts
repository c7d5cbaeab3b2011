import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../platform/transaction.ts';
import type { ChatReply } from './conversation.ts';
import { withoutContactDetails } from './contact-details.ts';

/**
 * Sessions and messages kept in PostgreSQL (domain/migrations/050): what the model made of each message, and
 * its text only for a known customer who consents to personalisation and was not erased, and then with contact
 * details and document numbers masked (contact-details.ts). The front end's
 * session id is kept as its sha256 (it may be a phone number).
 */
export const CHAT_RETENTION_DAYS = 180;

export function sessionHash(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

/** Text may be kept only for a customer who said yes; an anonymous visitor has not. */
async function mayKeepText(db: pg.PoolClient, customerId: number | null): Promise<boolean> {
  if (customerId === null) return false;
  const { rows } = await db.query<{ keep: boolean }>('SELECT consent_personalisation AND erased_at IS NULL AS keep FROM customers WHERE id = $1', [customerId]);
  return rows[0]?.keep === true;
}

export async function recordChatMessage(pool: pg.Pool, message: { sessionId: string; text: string; customerId: number | null }, reply: ChatReply): Promise<void> {
  await inTransaction(pool, async (client) => {
    const session = await client.query<{ id: string }>(
      `INSERT INTO chat_sessions (session_hash, customer_id, messages) VALUES ($1, $2, 1)
       ON CONFLICT (session_hash) DO UPDATE SET messages = chat_sessions.messages + 1, last_message_at = now(),
         customer_id = coalesce(chat_sessions.customer_id, EXCLUDED.customer_id)
       RETURNING id`,
      [sessionHash(message.sessionId), message.customerId],
    );
    const keep = await mayKeepText(client, message.customerId);
    await client.query(
      `INSERT INTO chat_messages (session_id, customer_id, text, text_withheld, language, understood, intent, confidence, tone, entities, missing, quotation_id, model_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        session.rows[0].id,
        message.customerId,
        keep ? withoutContactDetails(message.text) : null,
        !keep,
        reply.language,
        reply.understood,
        reply.intent,
        reply.confidence,
        reply.tone,
        JSON.stringify(reply.entities),
        reply.missing,
        reply.quotation?.quotationId ?? null,
        reply.modelVersion,
      ],
    );
  });
}

/** Deletes messages past the retention and the sessions left empty; returns how many messages went. */
export async function purgeChatHistory(pool: pg.Pool, retentionDays = CHAT_RETENTION_DAYS): Promise<number> {
  return inTransaction(pool, async (client) => {
    // Text first: a delete leaves the row as it was in the ingest's tombstones, which must not keep what was said.
    await client.query(`UPDATE chat_messages SET text = NULL, text_withheld = true WHERE created_at < now() - make_interval(days => $1) AND text IS NOT NULL`, [retentionDays]);
    const deleted = await client.query(`DELETE FROM chat_messages WHERE created_at < now() - make_interval(days => $1)`, [retentionDays]);
    await client.query('DELETE FROM chat_sessions s WHERE NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.session_id = s.id)');
    return deleted.rowCount ?? 0;
  });
}
