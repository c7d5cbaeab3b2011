-- Customers' consent and erasure, copied by the ingest like their other fields (domain/migrations/040).
-- Erased customers are left out of training (features/interactions.ts) and of personalised answers.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS consent_personalisation UInt8 DEFAULT 1;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS erased_at Nullable(DateTime64(6, 'UTC'));

CREATE VIEW IF NOT EXISTS erased_customers AS SELECT id FROM customers FINAL WHERE erased_at IS NOT NULL;
