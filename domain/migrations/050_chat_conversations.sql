-- Conversations of POST /v1/chat/messages (domain/chat): one row per session, one per message, so analysts can
-- see what customers ask and how often a conversation ends in a quotation.
-- Personal data: the front end's session id can hold a phone number (WhatsApp), so only its sha256 is kept. A
-- message's text is kept only for a known customer who consents to personalisation and was not erased; for
-- everyone else (anonymous visitors included) text is NULL and text_withheld true, while the intent, tone and
-- entities — what the model made of it — are kept. Erasing a customer blanks their texts (personal-data-map.ts).
-- Retention: messages older than 180 days are deleted by purgeChatHistory (domain/chat/chat-history.ts), and
-- sessions left without messages with them.

CREATE TABLE chat_sessions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_hash    text NOT NULL UNIQUE CHECK (session_hash ~ '^[0-9a-f]{64}$'),
  customer_id     bigint REFERENCES customers (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_message_at timestamptz NOT NULL DEFAULT now(),
  messages        integer NOT NULL DEFAULT 0 CHECK (messages >= 0)
);
CREATE TRIGGER chat_sessions_updated_at BEFORE UPDATE ON chat_sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX chat_sessions_customer ON chat_sessions (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE chat_messages (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id     bigint NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  customer_id    bigint REFERENCES customers (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  text           text CHECK (octet_length(text) <= 10240),
  text_withheld  boolean NOT NULL,
  CHECK (text_withheld = (text IS NULL)),
  language       text NOT NULL CHECK (language IN ('es', 'en')),
  understood     boolean NOT NULL,
  intent         text NOT NULL,
  confidence     double precision NOT NULL,
  tone           text NOT NULL,
  entities       jsonb NOT NULL,
  missing        text[] NOT NULL,
  quotation_id   bigint REFERENCES quotations (id),
  model_version  text NOT NULL
);
CREATE TRIGGER chat_messages_updated_at BEFORE UPDATE ON chat_messages FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX chat_messages_session ON chat_messages (session_id, id);
CREATE INDEX chat_messages_created ON chat_messages (created_at);
CREATE INDEX chat_messages_customer ON chat_messages (customer_id) WHERE customer_id IS NOT NULL;
