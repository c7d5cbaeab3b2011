import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import type { ChampionModels } from './champions/champion-models.ts';
import type { GuardrailBook } from './guardrails/guardrail-book.ts';
import type { ApiMetrics } from './metrics/api-metrics.ts';
import type { OnlineCatalogue } from './online/catalogue.ts';
import type { OnlineFeatures } from './online/online-features.ts';
import type { ServingSources } from './online/sources.ts';
import type { BookingSystemSources } from './online/booking-system-sources.ts';
import type { PersonalisationConsent } from './online/personalisation-consent.ts';
import type { RequestLog } from './request-log/request-log.ts';
import type { EventBacklogMonitor } from './readiness/event-backlog.ts';
import type { ServingSettings } from './settings.ts';

/** What the route plugins share: stores, models, guardrails, online features, the request log and metrics. */
export interface ServingContext {
  config: Config;
  settings: ServingSettings;
  log: Logger;
  pg: pg.Pool;
  clickhouse: ClickHouseClient;
  champions: ChampionModels;
  /** The guardrail rules in force, held in memory and reloaded on change. */
  guardrails: GuardrailBook;
  online: OnlineFeatures;
  /** The catalogue and its departure features, in memory: what a price never waits on a cache for. */
  catalogue: OnlineCatalogue;
  sources: ServingSources;
  /** What recommendations read from the booking system when the warehouse does not answer in time. */
  bookingSystem: BookingSystemSources;
  /** Customers who get no personalised answer (erased, or no consent). */
  consent: PersonalisationConsent;
  requestLog: RequestLog;
  metrics: ApiMetrics;
  /** How far domain events lag on their way to ClickHouse (for /metrics and /ready). */
  events: EventBacklogMonitor;
}

export interface RouteOptions {
  ctx: ServingContext;
}
