import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../platform/errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { SegmentAnswer, SegmentParams } from '../../contract/segments.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';
import { recordScored } from '../request-log/record-scored.ts';
import { segmentProfiles } from '../scoring/segment-names.ts';
import { customerFeaturesKey } from '../online/customer-profile-keys.ts';
import { customerInBookingSystem } from '../online/customer-existence.ts';

/** GET /v1/customers/:id/segment: the served segmentation model applied to the customer's history as of now. */
export const segmentRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/customers/:id/segment',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['segments'],
        summary: 'The customer’s segment, with its name and description',
        params: SegmentParams,
        response: { 200: SegmentAnswer, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const served = ctx.champions.get('segmentation');
      const { id } = request.params;
      // An erased customer, or one without consent to personalisation, has no profile here: nothing is looked up,
      // answered or logged under their id (docs/personal-data.md).
      // Until the API has read who consents, everyone is withheld, and the answer says why (as recommendations do).
      if (!ctx.consent.allows(id)) {
        const why = ctx.consent.known ? [] : ['personalisation_consent'];
        const withheld = { customerId: id, hasHistory: null, segment: null, features: {}, withheld: true, modelVersion: served.version, featureSnapshotId: featureSnapshotId({}), defaultedFeatures: why };
        recordScored(ctx, request, reply, {
          family: 'segmentation', modelVersion: served.version, featureSnapshotId: withheld.featureSnapshotId, defaultedFeatures: why,
          subject: 'customer:withheld', input: {}, features: {}, response: { withheld: true },
        });
        return withheld;
      }
      const lookup = await ctx.online.lookup('profile', customerFeaturesKey(id), () => ctx.sources.customerFeatures(id));
      // Not known to the warehouse, or not said in time and not in the booking system either.
      if (lookup.source === 'default' ? !(await customerInBookingSystem(ctx.pg, id)) : lookup.value === null) throw new NotFoundError(`customer ${id} is not in the booking system`, 'id');
      const names = served.model.featureNames;
      const values = lookup.value?.values ?? {};
      const row = names.map((n) => values[n] ?? NaN);
      const defaulted = names.filter((_, i) => !Number.isFinite(row[i]));
      if (lookup.source === 'default') ctx.metrics.featuresDefaulted.inc({ kind: 'profile' }, names.length);
      // Without any booking the features say nothing about the customer: no segment rather than the median one.
      // A history that did not arrive in time is unknown, not absent: the answer must not say "no booking yet".
      const hasHistory = lookup.source === 'default' ? null : (lookup.value?.hasHistory ?? false);
      let segment = null;
      if (hasHistory) {
        const id = served.model.predict([row])[0];
        const profile = segmentProfiles(served.model)[id];
        segment = { id, name: profile?.name ?? `segment ${id}`, description: profile?.description ?? '', share: Number((profile?.share ?? 0).toFixed(4)) };
      }
      const features = Object.fromEntries(names.map((n, i) => [n, Number.isFinite(row[i]) ? row[i] : null]));
      const answer = {
        customerId: id,
        hasHistory,
        segment,
        features,
        modelVersion: served.version,
        featureSnapshotId: featureSnapshotId(features),
        defaultedFeatures: lookup.source === 'default' ? [...names] : defaulted,
      };
      recordScored(ctx, request, reply, {
        family: 'segmentation',
        modelVersion: served.version,
        featureSnapshotId: answer.featureSnapshotId,
        defaultedFeatures: answer.defaultedFeatures,
        subject: `customer:${id}`,
        customerId: id,
        input: { customerId: id },
        features,
        response: answer,
      });
      return answer;
    },
  );
};
