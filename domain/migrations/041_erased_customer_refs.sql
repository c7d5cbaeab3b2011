-- The outside system's references of erased customers, as keyed hashes (the pseudonym key, never exported): an
-- import that names one again attaches its bookings to the erased customer instead of creating a customer with
-- the name and reference that were erased. The reference itself is not kept.

CREATE TABLE erased_customer_refs (
  ref_hash     bytea PRIMARY KEY CHECK (length(ref_hash) = 32),
  customer_id  bigint NOT NULL REFERENCES customers (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
