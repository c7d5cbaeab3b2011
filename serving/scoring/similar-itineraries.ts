import { InputError, NotFoundError } from '../../platform/errors.ts';
import { ModelStateError } from '../../models/contract.ts';
import { ModelUnavailableError, StoreUnavailableError } from '../../platform/http/api-errors.ts';
import type { ServingContext } from '../context.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';
import { itineraryCard, type ItineraryCard } from './itinerary-cards.ts';

export interface SimilarItinerariesAnswer {
  itineraryId: number;
  items: Array<ItineraryCard & { similarity: number }>;
  modelVersion: string;
  featureSnapshotId: string;
  defaultedFeatures: string[];
}

/**
 * The k itineraries most like one (the served recommender's itinerary factors), as cards, of those that can be
 * sold: in the catalogue and active, as the recommendations and the batch scoring offer them. Nothing is looked
 * up: the answer depends on the itinerary, the model and the catalogue in memory.
 */
export function similarItineraries(ctx: ServingContext, itineraryId: number, k: number): { answer: SimilarItinerariesAnswer; features: Record<string, unknown> } {
  const served = ctx.champions.get('recommender');
  if (!ctx.catalogue.loaded) throw new StoreUnavailableError('the catalogue is not loaded yet; ask again shortly');
  const offered = (itemId: string) => ctx.catalogue.itinerary(Number(itemId))?.active === true;
  let similar;
  try {
    similar = served.model.similarItems(String(itineraryId), k, offered);
  } catch (err) {
    if (err instanceof InputError && err.field === 'itemId') throw new NotFoundError(`itinerary ${itineraryId} is not in the catalogue the recommender ${served.version} was trained on`, 'id');
    if (err instanceof ModelStateError) throw new ModelUnavailableError('recommender', `the served recommender ${served.version} cannot compare itineraries: ${err.message}`);
    throw err;
  }
  const features = { itineraryId, k, inactive: ctx.catalogue.inactiveItineraries() };
  const from = ctx.catalogue.today();
  return {
    answer: {
      itineraryId,
      items: similar.map((s) => ({ ...itineraryCard(ctx.catalogue.itinerary(Number(s.itemId))!, from, from), similarity: Number(s.similarity.toFixed(6)) })),
      modelVersion: served.version,
      featureSnapshotId: featureSnapshotId(features),
      defaultedFeatures: [],
    },
    features,
  };
}
