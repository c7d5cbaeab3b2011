import { performance } from 'node:perf_hooks';
import { accuracy, macroF1, percentile } from './classification-metrics.ts';
import { parseIsoDay } from './calendar-holidays.ts';
import { DestinationMatcher } from './destination-gazetteer.ts';
import type { Budget, Intent, MessageEntities } from './intents.ts';
import { keywordEntities, keywordIntent } from './keyword-baseline.ts';
import type { LabelledMessage } from './labelled-messages.ts';
import type { MessageUnderstander } from './message-understander.ts';
import { InputError } from '../../platform/errors.ts';

/**
 * Scores a message understander and the keyword baseline on labelled messages (issue 27's report): intent
 * accuracy and macro-F1, exact-match accuracy of each entity over all lines (a null expected value included),
 * and the 99th percentile of the time to understand one message (each message timed in three passes and its
 * median kept: on a shared machine a single pass measures the other processes' turns as much as ours). Destinations are compared as catalogue
 * destinations: an expected "Lake Titicaca" and a predicted "Puno & Lake Titicaca" are the same place.
 */
export const ENTITY_FIELDS = ['destination', 'date_from', 'date_to', 'party_size', 'budget', 'service_level'] as const;
type EntityField = (typeof ENTITY_FIELDS)[number];

export interface NluScores {
  intent: { accuracy: number; macroF1: number };
  entities: Record<EntityField, number>;
  latencyMsP99: number;
}

export interface NluReport extends NluScores {
  baseline: NluScores;
}

interface Prediction {
  intent: Intent;
  entities: MessageEntities;
}

/** The same budget: currency and amount to the cent. Per person or per party is not compared: the sets do not label it. */
export function sameBudget(a: Budget | null, b: Budget | null): boolean {
  return a === null || b === null ? a === b : a.currency === b.currency && Math.abs(a.amount - b.amount) < 0.005;
}

function sameField(field: EntityField, expected: MessageEntities, got: MessageEntities, places: DestinationMatcher): boolean {
  if (field === 'budget') return sameBudget(expected.budget, got.budget);
  if (field === 'destination') {
    const a = expected.destination;
    const b = got.destination;
    if (a === null || b === null) return a === b;
    return (places.find(a)?.code ?? a) === (places.find(b)?.code ?? b);
  }
  return expected[field] === got[field];
}

const TIMING_PASSES = 3;

function score(messages: readonly LabelledMessage[], predict: (text: string) => Prediction, places: DestinationMatcher): NluScores {
  const timings = messages.map(() => [] as number[]);
  let predictions: Prediction[] = [];
  for (let pass = 0; pass < TIMING_PASSES; pass++) {
    predictions = messages.map((m, i) => {
      const start = performance.now();
      const p = predict(m.text);
      timings[i].push(performance.now() - start);
      return p;
    });
  }
  const latencies = timings.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
  const round = (x: number) => Number(x.toFixed(4));
  const entities = Object.fromEntries(
    ENTITY_FIELDS.map((field) => [field, round(messages.filter((m, i) => sameField(field, m.entities, predictions[i].entities, places)).length / messages.length)]),
  ) as Record<EntityField, number>;
  const truth = messages.map((m) => m.intent);
  const predicted = predictions.map((p) => p.intent);
  return { intent: { accuracy: round(accuracy(truth, predicted)), macroF1: round(macroF1(truth, predicted)) }, entities, latencyMsP99: Number(percentile(latencies, 99).toFixed(3)) };
}

export function benchmarkUnderstanding(model: MessageUnderstander, messages: readonly LabelledMessage[], today: string): NluReport {
  if (parseIsoDay(today) === undefined) throw new InputError(`today must be a date YYYY-MM-DD, got "${today}"`, 'today');
  const places = new DestinationMatcher(model.destinations);
  const names = model.destinations.map((d) => d.name);
  // One untimed pass first: the first calls pay for compiling regular expressions and the JIT.
  model.predict(messages.slice(0, 20).map((m) => ({ text: m.text, today })));
  const ours = score(messages, (text) => model.predict([{ text, today }])[0], places);
  const baseline = score(messages, (text) => ({ intent: keywordIntent(text), entities: keywordEntities(text, names) }), places);
  return { ...ours, baseline };
}
