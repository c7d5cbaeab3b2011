import { MetricsRegistry, type Counter, type Gauge, type Histogram } from './metrics.ts';

/** Every series the API exposes on /metrics, made once per app so that two apps in one process do not mix. */
export interface ApiMetrics {
  registry: MetricsRegistry;
  requests: Counter;
  requestSeconds: Histogram;
  scored: Counter;
  modelInfo: Gauge;
  modelLoads: Counter;
  featureLookups: Counter;
  featureRefreshes: Counter;
  featuresDefaulted: Counter;
  bookingSystemReads: Counter;
  requestLogRows: Counter;
  requestLogBuffered: Gauge;
  authFailures: Counter;
  keyLookups: Counter;
  outboxUnpublished: Gauge;
  outboxOldestSeconds: Gauge;
  streamUnacknowledged: Gauge;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new MetricsRegistry();
  const metrics: ApiMetrics = {
    registry,
    requests: registry.counter('spirit_http_requests_total', 'HTTP requests by route pattern, method and status code', ['route', 'method', 'status']),
    requestSeconds: registry.histogram('spirit_http_request_duration_seconds', 'Time from request received to response sent', ['route', 'method']),
    scored: registry.counter('spirit_scored_items_total', 'Items scored (one per quotation of a batch), by model family and version', ['family', 'version']),
    modelInfo: registry.gauge('spirit_model_loaded', 'The model version being served for each family (value 1); absent when a family has none', ['family', 'version']),
    modelLoads: registry.counter('spirit_model_loads_total', 'Attempts to load a champion artefact, by outcome (loaded or failed)', ['family', 'outcome']),
    featureLookups: registry.counter('spirit_feature_lookups_total', 'Online feature lookups by kind and where the value came from (cache, store, default)', ['kind', 'source']),
    featureRefreshes: registry.counter('spirit_feature_refreshes_total', 'Cached online features fetched again before they expired (refresh ahead), by kind and outcome (refreshed, failed)', ['kind', 'outcome']),
    featuresDefaulted: registry.counter('spirit_features_defaulted_total', 'Features served with their default value because the store was slow, down or had none', ['kind']),
    bookingSystemReads: registry.counter('spirit_booking_system_reads_total', 'Request-time reads made in the booking system: because the warehouse did not answer in time (away or slow; read availability, home_market), did not know the customer (new_customer), or on every recommendation for the bookings made since the last ingest (booked_now); by outcome (answered, not_found, failed)', ['read', 'outcome']),
    requestLogRows: registry.counter('spirit_request_log_rows_total', 'Scored-request log rows by outcome (written to ClickHouse, dropped after the buffer filled)', ['outcome']),
    requestLogBuffered: registry.gauge('spirit_request_log_buffered_rows', 'Scored-request log rows waiting to be written'),
    authFailures: registry.counter('spirit_auth_failures_total', 'Refused credentials by reason (missing, invalid, revoked, expired, forbidden, throttled)', ['reason']),
    keyLookups: registry.counter('spirit_key_lookups_total', 'API keys and token subjects looked up in PostgreSQL (not answered from the cache)', []),
    outboxUnpublished: registry.gauge('spirit_outbox_unpublished_events', 'Domain events committed in PostgreSQL and not yet published by the outbox relay'),
    outboxOldestSeconds: registry.gauge('spirit_outbox_oldest_unpublished_seconds', 'Age of the oldest unpublished domain event (0 when none waits)'),
    streamUnacknowledged: registry.gauge('spirit_event_stream_unacknowledged_entries', 'Entries on the event stream its consumer group has not acknowledged (the consumer lag)'),
  };
  const memory = registry.gauge('process_resident_memory_bytes', 'Resident set size of the API process');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use');
  registry.onCollect(() => {
    const usage = process.memoryUsage();
    memory.set({}, usage.rss);
    heap.set({}, usage.heapUsed);
  });
  return metrics;
}
