import type { ClickHouseClient } from '@clickhouse/client';
import { CUSTOMER_FEATURE_SETTINGS, CUSTOMER_FEATURES_VERSION, customerFeaturesSql } from './customer-features.ts';
import { CUSTOMER_FEATURE_NAMES } from './customer-history.ts';
import { DEMAND_SERIES_VERSION, demandSeriesParams, demandSeriesSql } from './demand-series.ts';
import { INTERACTIONS_VERSION, interactionParams, interactionsSql, type InteractionWeights } from './interactions.ts';
import { replaceTable } from './materialise.ts';
import { PRICE_FEATURES_VERSION } from './price-feature-definitions.ts';
import { PRICE_FEATURE_SETTINGS, PRICE_ROW_COLUMNS, priceFeatureSql, WAREHOUSE_QUOTES } from './price-feature-sql.ts';
import { chDateTime, command } from './warehouse-query.ts';

/**
 * Each feature table rebuilt from the warehouse as of `asOf` (price rows: the quotations made before it, each with
 * its features as of its own time). The definitions are the same SQL the online functions run; these only choose
 * the rows and the target table.
 */
export async function buildPriceTrainingRows(client: ClickHouseClient, asOf: Date): Promise<{ rows: number }> {
  return replaceTable(client, 'price_training_rows', (staging) =>
    command(
      client,
      `INSERT INTO ${staging} (${PRICE_ROW_COLUMNS.join(', ')}, features_version, built_at)
       SELECT ${PRICE_ROW_COLUMNS.join(', ')}, {version:String}, now64(3) FROM (${priceFeatureSql(`${WAREHOUSE_QUOTES} AND qf.known_at < {asOf:DateTime64(6, 'UTC')}`)})`,
      { version: PRICE_FEATURES_VERSION, asOf: chDateTime(asOf) },
      PRICE_FEATURE_SETTINGS,
    ),
  );
}

export async function buildCustomerFeatures(client: ClickHouseClient, asOf: Date): Promise<{ rows: number }> {
  const columns = ['customer_id', 'as_of', 'country', 'customer_type', ...CUSTOMER_FEATURE_NAMES];
  return replaceTable(client, 'customer_features', (staging) =>
    command(
      client,
      `INSERT INTO ${staging} (${columns.join(', ')}, features_version, built_at)
       SELECT ${columns.join(', ')}, {version:String}, now64(3) FROM (${customerFeaturesSql()})`,
      { asOf: chDateTime(asOf), version: CUSTOMER_FEATURES_VERSION },
      CUSTOMER_FEATURE_SETTINGS,
    ),
  );
}

export async function buildInteractions(client: ClickHouseClient, asOf: Date, weights: InteractionWeights): Promise<{ rows: number }> {
  const columns = ['customer_id', 'itinerary_id', 'weight', 'booking_weight', 'quotation_weight', 'rating_weight', 'kind', 'last_event_at', 'as_of'];
  return replaceTable(client, 'customer_itinerary_interactions', (staging) =>
    command(
      client,
      `INSERT INTO ${staging} (${columns.join(', ')}, features_version, built_at)
       SELECT ${columns.join(', ')}, {version:String}, now64(3) FROM (${interactionsSql()})`,
      { ...interactionParams(asOf, weights), version: INTERACTIONS_VERSION },
    ),
  );
}

export async function buildDemandSeries(client: ClickHouseClient, asOf: Date): Promise<{ rows: number }> {
  const columns = ['frequency', 'series_id', 'entity', 'entity_code', 'measure', 'date', 'value'];
  return replaceTable(client, 'demand_series', (staging) =>
    command(
      client,
      `INSERT INTO ${staging} (${columns.join(', ')}, features_version, built_at)
       SELECT ${columns.join(', ')}, {version:String}, now64(3) FROM (${demandSeriesSql()})`,
      { ...demandSeriesParams(asOf), version: DEMAND_SERIES_VERSION },
    ),
  );
}
