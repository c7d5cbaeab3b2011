-- customer-features-v2 (issue 24): what a customer asks for, as shares of the itineraries quoted to them
-- (features/customer-history.ts QUOTED_MIX), in the customer table and in the customer part of each price row.
ALTER TABLE customer_features ADD COLUMN IF NOT EXISTS standard_share Float64 AFTER satisfaction;
ALTER TABLE customer_features ADD COLUMN IF NOT EXISTS luxury_share Float64 AFTER standard_share;
ALTER TABLE customer_features ADD COLUMN IF NOT EXISTS adventure_share Float64 AFTER luxury_share;
ALTER TABLE customer_features ADD COLUMN IF NOT EXISTS culture_share Float64 AFTER adventure_share;
ALTER TABLE customer_features ADD COLUMN IF NOT EXISTS gastronomy_share Float64 AFTER culture_share;
ALTER TABLE price_training_rows ADD COLUMN IF NOT EXISTS customer_standard_share Float64 AFTER customer_satisfaction;
ALTER TABLE price_training_rows ADD COLUMN IF NOT EXISTS customer_luxury_share Float64 AFTER customer_standard_share;
ALTER TABLE price_training_rows ADD COLUMN IF NOT EXISTS customer_adventure_share Float64 AFTER customer_luxury_share;
ALTER TABLE price_training_rows ADD COLUMN IF NOT EXISTS customer_culture_share Float64 AFTER customer_adventure_share;
ALTER TABLE price_training_rows ADD COLUMN IF NOT EXISTS customer_gastronomy_share Float64 AFTER customer_culture_share;
