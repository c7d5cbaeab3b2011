-- Conversations of the chat front end (PostgreSQL chat_sessions / chat_messages, domain/migrations/050), copied by
-- the ingest for analysts: what customers ask, how the model read it, how often a conversation ends in a quotation.
-- Text is there only for consenting customers (as at the source); rows expire with CHAT_RETENTION_DAYS
-- (pipelines/warehouse/retention.ts sets the TTL).
CREATE TABLE IF NOT EXISTS chat_sessions (
  id UInt64,
  session_hash String,
  customer_id Nullable(UInt64),
  last_message_at DateTime64(6, 'UTC'),
  messages UInt32,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE TABLE IF NOT EXISTS chat_messages (
  id UInt64,
  session_id UInt64,
  customer_id Nullable(UInt64),
  text Nullable(String),
  text_withheld UInt8,
  language LowCardinality(String),
  understood UInt8,
  intent LowCardinality(String),
  confidence Float64,
  tone LowCardinality(String),
  entities String,
  missing_json String,
  quotation_id Nullable(UInt64),
  model_version LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE VIEW IF NOT EXISTS chat_sessions_latest AS SELECT * FROM chat_sessions FINAL;
CREATE VIEW IF NOT EXISTS chat_messages_latest AS SELECT * FROM chat_messages FINAL;
