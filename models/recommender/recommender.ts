import os from 'node:os';
import { InputError } from '../../platform/errors.ts';
import { checkArtifact, decodeFloat32, decodeInt32, encodeFloat32, encodeInt32, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { trainAls } from './als-training.ts';
import { compileRules, type BusinessRules } from './business-rules.ts';
import { checkCatalogue, itineraryName, type ItineraryInfo } from './catalogue.ts';
import { borrowFactorsForNewItems, popularity, popularityBy, type CustomerProfile } from './cold-start.ts';
import { anotherLengthOf, becauseOfPastItinerary, becauseOfPopularity, closestPastItinerary, cosine, rowNorms } from './explanation.ts';
import { nearDuplicateOf } from './near-duplicates.ts';
import { IdIndex } from './id-index.ts';
import { buildInteractionMatrix, KIND_OF_CODE } from './interaction-matrix.ts';
import type { Interaction } from './interactions.ts';
import { foldInUsers, randomizedSvd } from './randomized-svd.ts';
import { trainEaseWithGroups } from './ease.ts';
import { trainItemKnn } from './item-knn.ts';
import { decodeItemWeights, encodeItemWeights, scoreHistory, strongestPastItinerary, weightsFrom, type EncodedItemWeights, type ItemWeights } from './item-item-weights.ts';
import { recencyWeighted } from './recent-popularity.ts';
import type { SparseMatrix } from './sparse-matrix.ts';
import { topK } from './top-k.ts';

/**
 * The itinerary recommender family (`recommender`): which itineraries to offer a customer, and which are like the
 * one they are looking at. Every algorithm shares the same queries, rules, cold start and artefact:
 * weighted implicit ALS and EASE and item-kNN (item × item), PureSVD by randomised SVD, and popularity, plain or
 * weighted towards recent interactions (the baselines), and `ease-als`, EASE and ALS scores mixed.
 */
export const ALGORITHMS = ['als', 'svd', 'popularity', 'recent-popularity', 'ease', 'item-knn', 'ease-als'] as const;
export type RecommenderAlgorithm = (typeof ALGORITHMS)[number];

export type RecommenderParams = {
  algorithm: RecommenderAlgorithm;
  factors: number;
  iterations: number;
  regularization: number;
  alpha: number;
  cgSteps: number;
  svdOversample: number;
  svdPowerIterations: number;
  /** EASE's ridge λ. */
  easeLambda: number;
  /**
   * EASE with the customer's segment as one more column of X, with this value (ease.ts): what a segment says is
   * learnt with the itinerary weights. 0 is plain EASE; customers without a segment get plain EASE scores.
   */
  easeSegmentWeight: number;
  /** Item-kNN: neighbours kept per itinerary, and the shrink added to the cosine's denominator. */
  knnNeighbours: number;
  knnShrink: number;
  /** Recent popularity: an interaction this many days older than the newest counts half. */
  halfLifeDays: number;
  /**
   * Personal algorithms: recent popularity (by halfLifeDays), scaled to 1 for the most popular itinerary, times this,
   * is added to every score. What sells now matters on purchase data; 0 leaves the model alone.
   */
  recencyBlend: number;
  /**
   * Personal algorithms: the popularity among the customer's own segment (scaled to 1 for its most popular
   * itinerary), times this, is added the same way. Customers of a segment share part of their taste, which a
   * short history cannot show; 0 leaves the model alone, and customers without a segment are left alone.
   */
  segmentBlend: number;
  /** `ease-als`: ALS's share of the mix, each side's scores scaled to the customer's best first. */
  ensembleWeight: number;
  seed: number;
  /** ALS worker threads; 0 uses every core when the data is big enough to repay starting them (~0.3 s each). */
  workers: number;
};

export const DEFAULT_RECOMMENDER_PARAMS: RecommenderParams = {
  algorithm: 'als',
  factors: 32,
  iterations: 12,
  // The starting point of the validation search (tuning.ts): sparse histories need a strong ridge.
  regularization: 30,
  alpha: 10,
  cgSteps: 3,
  svdOversample: 10,
  svdPowerIterations: 3,
  easeLambda: 100,
  easeSegmentWeight: 0,
  knnNeighbours: 50,
  knnShrink: 10,
  halfLifeDays: 30,
  recencyBlend: 0,
  segmentBlend: 0,
  ensembleWeight: 0.5,
  seed: 0,
  workers: 0,
};

export interface RecommenderData {
  interactions: readonly Interaction[];
  /** Itinerary descriptions: names for explanations, prices and levels for rules, and new itineraries for cold start. */
  items?: readonly ItineraryInfo[];
  /** Segment and home market of customers, for cold start. */
  customers?: readonly CustomerProfile[];
}

export interface Recommendation {
  itemId: string;
  score: number;
  explanation: string;
  /** The customer's past itinerary the explanation refers to, when there is one. */
  basedOn?: string;
  /** The past itinerary this one is another length of (same destination, a theme in common), when it is one. */
  nearDuplicateOf?: string;
}

export interface RecommendationQuery {
  userId: string;
  k: number;
  rules?: BusinessRules;
  /** Overrides the stored profile of a customer the model has not seen. */
  customer?: Omit<CustomerProfile, 'userId'>;
}

export const MAX_K = 100;
const FAMILY = 'recommender';
const FORMAT_VERSION = 1;
/** Far below any item × item weight that matters, and well above float32 rounding of scores near 1. */
const TIE_BREAK = 1e-5;

const maxAbs = (v: Float32Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);

const scaledToOne = (v: Float32Array) => {
  const max = v.reduce((a, b) => Math.max(a, b), 0);
  return v.map((x) => (max > 0 ? x / max : 0));
};

/**
 * Popularity far below any weight that matters, added to every personal score: item-kNN leaves most of the catalogue
 * at exactly 0 for a short history, and this orders those ties instead of the catalogue order.
 */
const tieBreaker = (popular: Float32Array) => scaledToOne(popular).map((x) => TIE_BREAK * x);

/**
 * The recency and segment blends, after the personal scores are in `out`: recent popularity and the popularity in
 * the customer's segment (each scaled to 1 for its most popular) times its blend times the customer's own best
 * score. Relative to that best score, one blend means the same for every algorithm and customer, whatever the scale
 * of their scores (EASE's shrink with λ, ALS's do not).
 */
function addPrior(out: Float32Array, tieBreak: Float32Array, recent: Float32Array | undefined, blend: number, segment?: Float32Array, segmentBlend = 0): void {
  const withSegment = segment !== undefined && segmentBlend > 0;
  const max = (recent && blend > 0) || withSegment ? maxAbs(out) : 0;
  const top = max > 0 ? max : 1;
  if (withSegment) {
    const weight = segmentBlend * top;
    for (let i = 0; i < out.length; i++) out[i] += weight * segment[i];
  }
  const weight = blend * top;
  if (recent && blend > 0) for (let i = 0; i < out.length; i++) out[i] += tieBreak[i] + weight * recent[i];
  else for (let i = 0; i < out.length; i++) out[i] += tieBreak[i];
}

const scaledGroups = (groups: Map<string, Float32Array>) => new Map([...groups].map(([k, v]) => [k, scaledToOne(v)] as const));

/** Recent popularity over a fitted catalogue (same indices: the matrix is built from the same rows and catalogue). */
function recentPopularity(data: RecommenderData, halfLifeDays: number): Float32Array {
  return popularity(buildInteractionMatrix(recencyWeighted(data.interactions, halfLifeDays), (data.items ?? []).map((i) => i.itemId)).byUser);
}

/** Below this many entry-iterations, worker start-up costs more than it saves. */
const THREADED_WORK = 2_000_000;

function checkParams(p: RecommenderParams): void {
  if (!ALGORITHMS.includes(p.algorithm)) throw new InputError(`algorithm must be one of ${ALGORITHMS.join(', ')}, got ${String(p.algorithm)}`, 'algorithm');
  const ranges: Array<[keyof RecommenderParams, number, number, boolean]> = [
    ['factors', 1, 512, true],
    ['iterations', 1, 1000, true],
    ['regularization', 0, 1e6, false],
    ['alpha', 0, 1e6, false],
    ['cgSteps', 1, 100, true],
    ['svdOversample', 0, 1000, true],
    ['svdPowerIterations', 0, 50, true],
    ['easeLambda', 1e-6, 1e9, false],
    ['easeSegmentWeight', 0, 1e6, false],
    ['knnNeighbours', 1, 100_000, true],
    ['knnShrink', 0, 1e6, false],
    ['halfLifeDays', 1e-3, 1e6, false],
    ['recencyBlend', 0, 1e6, false],
    ['segmentBlend', 0, 1e6, false],
    ['ensembleWeight', 0, 1, false],
    ['seed', 0, 2 ** 32 - 1, true],
    ['workers', 0, 256, true],
  ];
  for (const [name, min, max, integer] of ranges) {
    const v = p[name] as number;
    if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      throw new InputError(`${name} must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}, got ${String(v)}`, name);
    }
  }
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new InputError(`k must be a whole number between 1 and ${MAX_K}, got ${String(k)}`, 'k');
}

interface Fitted {
  users: IdIndex;
  items: IdIndex;
  byUser: SparseMatrix;
  kinds: Uint8Array;
  /** Row-major factors; f = 0 for popularity. */
  f: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  itemNorms: Float32Array;
  /** EASE and item-kNN: the itinerary × itinerary weights (f = 0). */
  itemWeights?: ItemWeights;
  /** EASE with segments: what each segment adds to the item × item scores of its customers. */
  segmentRows?: Map<string, Float32Array>;
  /** Added to every personal score, see tieBreaker. */
  tieBreak: Float32Array;
  /** Recent popularity scaled to 1, when the recency blend is on. */
  recent?: Float32Array;
  popular: Float32Array;
  bySegment: Map<string, Float32Array>;
  /** bySegment scaled to 1 per segment, for the segment blend. */
  segmentShares: Map<string, Float32Array>;
  byMarket: Map<string, Float32Array>;
  profiles: Map<string, Omit<CustomerProfile, 'userId'>>;
  info: (ItineraryInfo | undefined)[];
  /** Indices of itineraries whose factors were borrowed from comparable ones. */
  borrowed: number[];
}

export class ItineraryRecommender implements Estimator<RecommenderData, readonly RecommendationQuery[], Recommendation[][]> {
  readonly family = FAMILY;
  readonly params: RecommenderParams;
  private state: Fitted | undefined;

  constructor(params: Partial<RecommenderParams> = {}) {
    this.params = { ...DEFAULT_RECOMMENDER_PARAMS, ...params };
    checkParams(this.params);
  }

  async fit(data: RecommenderData): Promise<this> {
    const p = this.params;
    if (!data || !Array.isArray(data.interactions)) throw new InputError('interactions must be an array', 'interactions');
    if (data.interactions.length === 0) throw new InputError('there are no interactions to learn from', 'interactions');
    const items = data.items ?? [];
    checkCatalogue(items);
    const matrix = buildInteractionMatrix(data.interactions, items.map((i) => i.itemId));
    if (matrix.byUser.indices.length === 0) throw new InputError('every interaction has a total weight ≤ 0: nothing to learn from', 'weight');
    const described = new Map(items.map((i) => [i.itemId, i] as const));
    const info = matrix.items.ids.map((id) => described.get(id));
    const profiles = new Map((data.customers ?? []).map(({ userId, ...rest }) => [userId, rest] as const));
    const profileOf = matrix.users.ids.map((id) => profiles.get(id));

    let f = 0;
    let userFactors: Float32Array = new Float32Array(0);
    let itemFactors: Float32Array = new Float32Array(0);
    let itemWeights: ItemWeights | undefined;
    let segmentRows: Map<string, Float32Array> | undefined;
    // Recent popularity ranks by decayed weights; the customers' histories (what the rules leave out) stay the same.
    const weighted = p.algorithm === 'recent-popularity' ? buildInteractionMatrix(recencyWeighted(data.interactions, p.halfLifeDays), items.map((i) => i.itemId)).byUser : matrix.byUser;
    const popular = popularity(weighted);
    const bySegment = popularityBy(weighted, profileOf.map((c) => c?.segment));
    if (p.algorithm === 'als' || p.algorithm === 'ease-als') {
      const workers = p.workers > 0 ? p.workers : matrix.byUser.indices.length * p.iterations < THREADED_WORK ? 1 : os.availableParallelism();
      ({ userFactors, itemFactors } = await trainAls(matrix.byUser, matrix.byItem, { ...p, workers }));
      f = p.factors;
    } else if (p.algorithm === 'svd') {
      const svd = randomizedSvd(matrix.byUser, matrix.byItem, { rank: p.factors, oversample: p.svdOversample, powerIterations: p.svdPowerIterations, seed: p.seed });
      f = svd.rank;
      itemFactors = svd.itemFactors;
      userFactors = foldInUsers(matrix.byUser, itemFactors, f);
    }
    if (p.algorithm === 'ease' || p.algorithm === 'ease-als') {
      const segments = [...new Set(profileOf.map((c) => c?.segment).filter((x): x is string => x !== undefined))];
      const code = new Map(segments.map((name, c) => [name, c] as const));
      const ofUser = Int32Array.from(profileOf, (c) => (c?.segment === undefined ? -1 : code.get(c.segment)!));
      const ease = trainEaseWithGroups(matrix.byUser, { lambda: p.easeLambda, groups: { ofUser, count: segments.length, weight: p.easeSegmentWeight } });
      itemWeights = { kind: 'dense', items: matrix.items.size, values: ease.items };
      if (p.easeSegmentWeight > 0) segmentRows = new Map(segments.map((name, c) => [name, ease.groups.subarray(c * matrix.items.size, (c + 1) * matrix.items.size)] as const));
    } else if (p.algorithm === 'item-knn') {
      itemWeights = { kind: 'sparse', matrix: trainItemKnn(matrix.byUser, matrix.byItem, { neighbours: p.knnNeighbours, shrink: p.knnShrink }) };
    }
    const borrowed = f > 0 ? borrowFactorsForNewItems(itemFactors, f, matrix.byItem, info) : [];
    this.state = {
      users: matrix.users,
      items: matrix.items,
      byUser: matrix.byUser,
      kinds: matrix.kinds,
      f,
      userFactors,
      itemFactors,
      itemNorms: rowNorms(itemFactors, f),
      itemWeights,
      segmentRows,
      tieBreak: tieBreaker(popular),
      recent: p.recencyBlend > 0 ? scaledToOne(recentPopularity(data, p.halfLifeDays)) : undefined,
      popular,
      bySegment,
      segmentShares: scaledGroups(bySegment),
      byMarket: popularityBy(weighted, profileOf.map((c) => c?.homeMarket)),
      profiles,
      info,
      borrowed,
    };
    return this;
  }

  /**
   * The same fitted model with another recency or segment blend or mix: they only combine scores, so the tuner tries their
   * values without refitting. `data` must be what the model was fitted on.
   */
  withScoring(data: RecommenderData, scoring: Pick<RecommenderParams, 'recencyBlend' | 'halfLifeDays' | 'ensembleWeight'> & Partial<Pick<RecommenderParams, 'segmentBlend'>>): ItineraryRecommender {
    const s = this.fitted;
    const copy = new ItineraryRecommender({ ...this.params, ...scoring });
    const same = scoring.halfLifeDays === this.params.halfLifeDays && (scoring.recencyBlend > 0) === (this.params.recencyBlend > 0);
    copy.state = { ...s, recent: scoring.recencyBlend <= 0 ? undefined : same ? s.recent : scaledToOne(recentPopularity(data, scoring.halfLifeDays)) };
    return copy;
  }

  private get fitted(): Fitted {
    if (!this.state) throw new ModelStateError('recommender is not fitted: call fit first');
    return this.state;
  }

  /** Catalogue size, customers known and the factor rank, as numbers for the registry. */
  metrics(): Record<string, number> {
    const { customers, itineraries, interactions, factors, borrowedFactors } = this.summary;
    return { customers, itineraries, interactions, factors, borrowed_factors: borrowedFactors.length };
  }

  /** Catalogue size, customers known, the factor rank and the itineraries whose factors were borrowed, for logs. */
  get summary(): { customers: number; itineraries: number; interactions: number; factors: number; borrowedFactors: string[] } {
    const s = this.fitted;
    return { customers: s.users.size, itineraries: s.items.size, interactions: s.byUser.indices.length, factors: s.f, borrowedFactors: s.borrowed.map((i) => s.items.ids[i]) };
  }

  /**
   * The customer's score for every itinerary, into `out` (catalogue order, see `itemIds`). A customer the model has
   * not seen, or the popularity algorithm, scores by the popularity of the customer's group.
   */
  scoreCatalogue(userId: string, out: Float32Array, customer?: Omit<CustomerProfile, 'userId'>): { personal: boolean; group: Omit<CustomerProfile, 'userId'> } {
    const s = this.fitted;
    const u = s.users.indexOf(userId);
    if (u >= 0 && (s.f > 0 || s.itemWeights)) {
      const history = s.byUser.indices.subarray(s.byUser.indptr[u], s.byUser.indptr[u + 1]);
      if (s.f > 0 && s.itemWeights) {
        // The mix: each side scaled to the customer's best score, so the weight means a share whatever the scales.
        const ease = new Float32Array(out.length);
        this.itemItemScores(userId, history, ease);
        this.factorScores(u, out);
        const w = this.params.ensembleWeight;
        const alsTop = 1 / (maxAbs(out) || 1);
        const easeTop = 1 / (maxAbs(ease) || 1);
        for (let i = 0; i < out.length; i++) out[i] = w * out[i] * alsTop + (1 - w) * ease[i] * easeTop;
      } else if (s.f > 0) this.factorScores(u, out);
      else this.itemItemScores(userId, history, out);
      addPrior(out, s.tieBreak, s.recent, this.params.recencyBlend, this.segmentShare(userId), this.params.segmentBlend);
      return { personal: true, group: {} };
    }
    const profile = customer ?? s.profiles.get(userId) ?? {};
    const segment = profile.segment !== undefined ? s.bySegment.get(profile.segment) : undefined;
    const market = segment === undefined && profile.homeMarket !== undefined ? s.byMarket.get(profile.homeMarket) : undefined;
    out.set(segment ?? market ?? s.popular);
    const group = segment ? { segment: profile.segment } : market ? { homeMarket: profile.homeMarket } : {};
    return { personal: false, group };
  }

  /** EASE or item-kNN scores from the history, and what the customer's segment adds when EASE learnt it. */
  private itemItemScores(userId: string, history: Int32Array, out: Float32Array): void {
    const s = this.fitted;
    scoreHistory(s.itemWeights!, history, out);
    const segment = s.segmentRows ? s.profiles.get(userId)?.segment : undefined;
    const row = segment === undefined ? undefined : s.segmentRows!.get(segment);
    if (row) for (let i = 0; i < out.length; i++) out[i] += row[i];
  }

  /** The popularity among the customer's segment scaled to 1, when the segment blend is on and the segment known. */
  private segmentShare(userId: string): Float32Array | undefined {
    if (!(this.params.segmentBlend > 0)) return undefined;
    const segment = this.fitted.profiles.get(userId)?.segment;
    return segment === undefined ? undefined : this.fitted.segmentShares.get(segment);
  }

  private factorScores(u: number, out: Float32Array): void {
    const s = this.fitted;
    const f = s.f;
    const x = s.userFactors.subarray(u * f, u * f + f);
    const y = s.itemFactors;
    for (let i = 0, base = 0; i < s.items.size; i++, base += f) {
      let dot = 0;
      for (let a = 0; a < f; a++) dot += x[a] * y[base + a];
      out[i] = dot;
    }
  }

  /** The catalogue in scoring order. */
  get itemIds(): readonly string[] {
    return this.fitted.items.ids;
  }

  /** Customers seen in training, the ones batch scoring covers. */
  get customerIds(): readonly string[] {
    return this.fitted.users.ids;
  }

  /** The itineraries a customer interacted with in the training data (none for a customer the model has not seen). */
  interactedItems(userId: string): string[] {
    const ids = this.fitted.items.ids;
    return Array.from(this.history(userId), (i) => ids[i]);
  }

  /** Past itineraries of a known customer (catalogue indices), empty for a new one. */
  private history(userId: string): Int32Array {
    const s = this.fitted;
    const u = s.users.indexOf(userId);
    return u < 0 ? new Int32Array(0) : s.byUser.indices.subarray(s.byUser.indptr[u], s.byUser.indptr[u + 1]);
  }

  /** Catalogue indices of the k best itineraries for the customer that pass the rules, best first, with their scores. */
  rank(userId: string, k: number, rules: BusinessRules = {}, customer?: Omit<CustomerProfile, 'userId'>, scores = new Float32Array(this.fitted.items.size)) {
    checkK(k);
    const s = this.fitted;
    const scored = this.scoreCatalogue(userId, scores, customer);
    const history = this.history(userId);
    const top = topK(scores, k, compileRules(rules, s.items, s.info, history));
    return { top, scores, history, ...scored };
  }

  recommend(userId: string, k: number, rules: BusinessRules = {}, customer?: Omit<CustomerProfile, 'userId'>): Recommendation[] {
    if (typeof userId !== 'string' || userId === '') throw new InputError('userId must be a non-empty string', 'userId');
    const s = this.fitted;
    const { top, scores, history, personal, group } = this.rank(userId, k, rules, customer);
    const u = s.users.indexOf(userId);
    return Array.from(top, (i) => {
      const twin = nearDuplicateOf(s.info, i, history);
      if (twin >= 0) {
        const kind = KIND_OF_CODE[s.kinds[s.byUser.indptr[u] + history.indexOf(twin)]];
        const twinId = s.items.ids[twin];
        return { itemId: s.items.ids[i], score: scores[i], explanation: anotherLengthOf(kind, itineraryName(s.info[twin], twinId)), basedOn: twinId, nearDuplicateOf: twinId };
      }
      const past = !personal ? -1 : s.itemWeights ? strongestPastItinerary(s.itemWeights, i, history) : closestPastItinerary(s.itemFactors, s.itemNorms, s.f, i, history);
      if (past < 0) return { itemId: s.items.ids[i], score: scores[i], explanation: becauseOfPopularity(group) };
      const kind = KIND_OF_CODE[s.kinds[s.byUser.indptr[u] + history.indexOf(past)]];
      const pastId = s.items.ids[past];
      return { itemId: s.items.ids[i], score: scores[i], explanation: becauseOfPastItinerary(kind, itineraryName(s.info[past], pastId)), basedOn: pastId };
    });
  }

  /** Each customer's recommendations (`recommend` for one, the form serving and the batch scoring use). */
  predict(queries: readonly RecommendationQuery[]): Recommendation[][] {
    return queries.map((q) => this.recommend(q.userId, q.k, q.rules, q.customer));
  }

  /**
   * The k itineraries closest to one: by cosine of item factors, or by the item × item weights from it. `offered`,
   * when given, says which may be answered (the k are of those).
   */
  similarItems(itemId: string, k: number, offered?: (itemId: string) => boolean): Array<{ itemId: string; similarity: number }> {
    checkK(k);
    const s = this.fitted;
    const i = s.items.indexOf(itemId);
    if (i < 0) throw new InputError(`itinerary ${itemId} is not in the catalogue the model was fitted on`, 'itemId');
    if (s.f === 0 && !s.itemWeights) throw new ModelStateError(`the ${this.params.algorithm} recommender relates no itineraries to each other: fit algorithm als, svd, ease or item-knn for similar itineraries`);
    const similarity = new Float32Array(s.items.size);
    if (s.itemWeights) weightsFrom(s.itemWeights, i, similarity);
    else for (let j = 0; j < s.items.size; j++) similarity[j] = cosine(s.itemFactors, s.itemNorms, s.f, i, j);
    return Array.from(topK(similarity, k, (j) => j !== i && (offered === undefined || offered(s.items.ids[j]))), (j) => ({ itemId: s.items.ids[j], similarity: similarity[j] }));
  }

  toArtifact(): ModelArtifact<RecommenderArtifactState> {
    const s = this.fitted;
    const groups = (m: Map<string, Float32Array>) => Object.fromEntries([...m].map(([k, v]) => [k, encodeFloat32(v)]));
    return {
      family: FAMILY,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: {
        users: s.users.ids,
        items: s.items.ids,
        indptr: encodeInt32(s.byUser.indptr),
        indices: encodeInt32(s.byUser.indices),
        values: encodeFloat32(s.byUser.values),
        kinds: Buffer.from(s.kinds).toString('base64'),
        factors: s.f,
        userFactors: encodeFloat32(s.userFactors),
        itemFactors: encodeFloat32(s.itemFactors),
        ...(s.itemWeights ? { itemWeights: encodeItemWeights(s.itemWeights) } : {}),
        ...(s.segmentRows ? { segmentRows: groups(s.segmentRows) } : {}),
        ...(s.recent ? { recent: encodeFloat32(s.recent) } : {}),
        popular: encodeFloat32(s.popular),
        bySegment: groups(s.bySegment),
        byMarket: groups(s.byMarket),
        profiles: Object.fromEntries(s.profiles),
        info: s.info.map((i) => i ?? null),
        borrowed: s.borrowed,
      },
    };
  }

  static fromArtifact(artifact: ModelArtifact): ItineraryRecommender {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new ItineraryRecommender(readParams(artifact.params, DEFAULT_RECOMMENDER_PARAMS, FAMILY));
    const a = artifact.state as RecommenderArtifactState;
    const groups = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k, decodeFloat32(v)] as const));
    const users = IdIndex.from(a.users);
    const items = IdIndex.from(a.items);
    const itemFactors = decodeFloat32(a.itemFactors);
    const bySegment = groups(a.bySegment);
    model.state = {
      users,
      items,
      byUser: { rows: users.size, columns: items.size, indptr: decodeInt32(a.indptr), indices: decodeInt32(a.indices), values: decodeFloat32(a.values) },
      kinds: new Uint8Array(Buffer.from(a.kinds, 'base64')),
      f: a.factors,
      userFactors: decodeFloat32(a.userFactors),
      itemFactors,
      itemNorms: rowNorms(itemFactors, a.factors),
      itemWeights: a.itemWeights ? decodeItemWeights(a.itemWeights) : undefined,
      segmentRows: a.segmentRows ? groups(a.segmentRows) : undefined,
      tieBreak: tieBreaker(decodeFloat32(a.popular)),
      recent: a.recent ? decodeFloat32(a.recent) : undefined,
      popular: decodeFloat32(a.popular),
      bySegment,
      segmentShares: scaledGroups(bySegment),
      byMarket: groups(a.byMarket),
      profiles: new Map(Object.entries(a.profiles)),
      info: a.info.map((i) => i ?? undefined),
      borrowed: a.borrowed,
    };
    return model;
  }
}

export interface RecommenderArtifactState {
  users: string[];
  items: string[];
  indptr: string;
  indices: string;
  values: string;
  kinds: string;
  factors: number;
  userFactors: string;
  itemFactors: string;
  /** EASE and item-kNN only. */
  itemWeights?: EncodedItemWeights;
  /** EASE with segments only. */
  segmentRows?: Record<string, string>;
  /** Recent popularity scaled to 1, with the recency blend on. */
  recent?: string;
  popular: string;
  bySegment: Record<string, string>;
  byMarket: Record<string, string>;
  profiles: Record<string, Omit<CustomerProfile, 'userId'>>;
  info: (ItineraryInfo | null)[];
  borrowed: number[];
}
