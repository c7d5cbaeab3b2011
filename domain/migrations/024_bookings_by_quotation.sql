-- The booking a quotation became, found by the quotation: the GraphQL layer (serving/graphql) loads the bookings
-- of a page of quotations in one query, which without this index reads every booking.
CREATE INDEX bookings_quotation ON bookings (quotation_id) WHERE quotation_id IS NOT NULL;
