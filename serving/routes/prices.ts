import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InputError } from '../../platform/errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { MAX_BATCH, SuggestedPrices, SuggestPricesBody } from '../../contract/prices.ts';
import { recordScored } from '../request-log/record-scored.ts';
import { suggestPrices, type PriceRequest, type PriceSuggestionAnswer } from '../scoring/price-suggestions.ts';

/** The number in a quotation reference like "4711" or "Q-4711", so logged suggestions join the quotations table. */
export function quotationIdOf(ref: string | undefined): number | null {
  const digits = ref === undefined ? null : /^(?:[A-Za-z]+-)?(\d{1,15})$/.exec(ref);
  return digits ? Number(digits[1]) : null;
}

/**
 * What the log keeps of a price answer: the numbers to join with outcomes. The model version, snapshot id and
 * defaulted features have their own columns; reason codes and contributions come back by replaying the logged
 * features against the logged version. Every byte here is written, then merged again, by ClickHouse.
 */
export function loggedAnswer(answer: PriceSuggestionAnswer) {
  return {
    price: answer.price,
    lo80: answer.lo80,
    hi80: answer.hi80,
    modelPrice: answer.modelPrice,
    baseValue: answer.baseValue,
    guardrail: answer.guardrail,
    guardrailVersion: answer.guardrails.version,
    guardrailRule: answer.guardrails.ruleId,
    segment: answer.segment?.id ?? null,
    featureSource: answer.featureSource,
  };
}

/** POST /v1/prices/suggest: a suggested price for one quotation or a batch of up to 500. */
export const priceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/prices/suggest',
    {
      config: { roles: ACCESS.score, audit: 'not-a-write' },
      schema: {
        tags: ['prices'],
        summary: 'Suggested price, 80% range, reasons, guardrail and segment for one quotation or a batch',
        description: `Send \`{ "quotation": {…} }\` or \`{ "quotations": [ … ] }\` (1 to ${MAX_BATCH}). Answers come in request order.`,
        body: SuggestPricesBody,
        response: { 200: SuggestedPrices, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { quotation, quotations } = request.body;
      if ((quotation === undefined) === (quotations === undefined)) {
        throw new InputError('send exactly one of quotation (one) or quotations (a batch)', quotation === undefined ? 'quotation' : 'quotations');
      }
      const items: PriceRequest[] = quotations ?? [quotation!];
      const scored = await suggestPrices(ctx, items, { batch: quotations !== undefined });
      scored.forEach((s, index) =>
        recordScored(ctx, request, reply, {
          family: 'price',
          modelVersion: s.answer.modelVersion,
          featureSnapshotId: s.answer.featureSnapshotId,
          defaultedFeatures: s.answer.defaultedFeatures,
          item: index,
          subject: s.request.quotationRef ?? `itinerary:${s.request.itineraryId}`,
          quotationId: quotationIdOf(s.request.quotationRef),
          // A withheld customer's id is neither logged nor kept in the input (the quotation priced leaves it out).
          customerId: s.quotation.customerId ?? null,
          // Assigned rather than spread, like the log row (request-log/record-scored.ts): less garbage per request.
          input: Object.assign({}, s.request, { customerId: s.quotation.customerId, quotedAt: s.quotation.quotedAt.toISOString() }),
          features: s.features,
          response: loggedAnswer(s.answer),
        }),
      );
      return { suggestions: scored.map((s) => s.answer) };
    },
  );
};
