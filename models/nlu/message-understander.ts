import { InputError } from '../../platform/errors.ts';
import { checkArtifact, decodeFloat32, encodeFloat32, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { extractBudget } from './budget.ts';
import { parseIsoDay, type Day } from './calendar-holidays.ts';
import { resolveTravelDates } from './date-grammar.ts';
import { DestinationMatcher, type GazetteerEntry } from './destination-gazetteer.ts';
import { hashedFeatures, type FeatureSpec } from './hashed-features.ts';
import { INTENTS, isIntent, type Intent, type Language, type MessageEntities, type Tone } from './intents.ts';
import { detectLanguage, isOtherLanguage } from './language.ts';
import { missingFields, nextQuestion, OTHER_LANGUAGE_REPLY, type MissingField } from './next-question.ts';
import { extractPartySize } from './party-size.ts';
import { extractServiceLevel } from './service-level.ts';
import { classScores, softmaxInPlace, trainSoftmax, type SoftmaxWeights } from './softmax-regression.ts';
import { detectTone } from './tone.ts';

/**
 * The message-understanding family (`nlu`): a multinomial logistic regression over hashed character n-grams and
 * word uni/bigrams for the intent (learned), and rules where rules are right for the entities (gazetteer with
 * fuzzy matching, a date grammar, party-size, budget and service-level patterns) plus tone and language.
 * The gazetteer travels in the artefact, so a served version answers with the catalogue it was trained with.
 */
export type UnderstanderParams = {
  hashBits: number;
  minCharGram: number;
  maxCharGram: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
};

export const DEFAULT_UNDERSTANDER_PARAMS: UnderstanderParams = {
  hashBits: 16,
  minCharGram: 2,
  maxCharGram: 5,
  epochs: 8,
  learningRate: 0.5,
  l2: 1e-6,
  seed: 0,
};

export interface TrainingMessages {
  messages: ReadonlyArray<{ text: string; intent: Intent }>;
  destinations: readonly GazetteerEntry[];
}

export interface UnderstandInput {
  text: string;
  /** The day relative dates are resolved against, YYYY-MM-DD. */
  today: string;
}

export interface Understanding {
  language: Language;
  intent: Intent;
  /** Probability of the chosen intent; 0 for a message in another language (answered as `general`). */
  confidence: number;
  entities: MessageEntities;
  tone: Tone;
  /** What a quotation still needs: destination, dates, party size. */
  missing: MissingField[];
  nextQuestion: string;
}

interface UnderstanderState {
  weights: string;
  bias: number[];
  destinations: GazetteerEntry[];
  trainedMessages: number;
}

const FAMILY = 'nlu';
const FORMAT_VERSION = 1;

function checkParams(p: UnderstanderParams): void {
  const whole = (name: keyof UnderstanderParams, min: number, max: number) => {
    const v = p[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new InputError(`${name} must be a whole number in [${min}, ${max}], got ${v}`, name);
  };
  whole('hashBits', 10, 22);
  whole('minCharGram', 1, 8);
  whole('maxCharGram', p.minCharGram, 8);
  whole('epochs', 1, 100);
  whole('seed', 0, 2 ** 32 - 1);
  if (!(p.learningRate > 0 && p.learningRate <= 10)) throw new InputError(`learningRate must be in (0, 10], got ${p.learningRate}`, 'learningRate');
  if (!(p.l2 >= 0 && p.l2 < 1)) throw new InputError(`l2 must be in [0, 1), got ${p.l2}`, 'l2');
}

export class MessageUnderstander implements Estimator<TrainingMessages, readonly UnderstandInput[], Understanding[]> {
  readonly family = FAMILY;
  readonly params: UnderstanderParams;
  private weights: SoftmaxWeights | undefined;
  private matcher: DestinationMatcher | undefined;
  private trainedMessages = 0;

  constructor(params: Partial<UnderstanderParams> = {}) {
    this.params = { ...DEFAULT_UNDERSTANDER_PARAMS, ...params };
    checkParams(this.params);
  }

  private get spec(): FeatureSpec {
    return { hashBits: this.params.hashBits, minCharGram: this.params.minCharGram, maxCharGram: this.params.maxCharGram };
  }

  async fit(data: TrainingMessages): Promise<this> {
    if (!data?.messages?.length) throw new InputError('messages must be a non-empty list of { text, intent }', 'messages');
    if (!data.destinations?.length) throw new InputError('destinations must be a non-empty gazetteer', 'destinations');
    const labels = data.messages.map((m, i) => {
      if (!isIntent(m.intent)) throw new InputError(`messages[${i}].intent "${String(m.intent)}" is not one of ${INTENTS.join(', ')}`, `messages[${i}].intent`);
      return INTENTS.indexOf(m.intent);
    });
    const examples = data.messages.map((m) => hashedFeatures(m.text, this.spec));
    const p = this.params;
    this.weights = trainSoftmax(examples, labels, INTENTS.length, 1 << p.hashBits, { epochs: p.epochs, learningRate: p.learningRate, l2: p.l2, seed: p.seed });
    this.matcher = new DestinationMatcher(structuredClone([...data.destinations]));
    this.trainedMessages = data.messages.length;
    return this;
  }

  private fitted(): { weights: SoftmaxWeights; matcher: DestinationMatcher } {
    if (!this.weights || !this.matcher) throw new ModelStateError('message understander is not fitted: call fit or fromArtifact first');
    return { weights: this.weights, matcher: this.matcher };
  }

  /** Intent probabilities, in INTENTS order. */
  intentProbabilities(text: string): Float64Array {
    return softmaxInPlace(classScores(this.fitted().weights, hashedFeatures(text, this.spec)));
  }

  classify(text: string): { intent: Intent; confidence: number } {
    const probs = this.intentProbabilities(text);
    let best = 0;
    for (let c = 1; c < probs.length; c++) if (probs[c] > probs[best]) best = c;
    return { intent: INTENTS[best], confidence: probs[best] };
  }

  extractEntities(text: string, today: Day): MessageEntities {
    return {
      destination: this.fitted().matcher.find(text)?.name ?? null,
      ...resolveTravelDates(text, today),
      party_size: extractPartySize(text),
      budget: extractBudget(text),
      service_level: extractServiceLevel(text),
    };
  }

  /** What each message says, in order. */
  predict(inputs: readonly UnderstandInput[]): Understanding[] {
    return inputs.map((input) => this.understand(input));
  }

  /** Sizes of what was learned, for the registry (the scores are measured by train-understander.ts). */
  metrics(): Record<string, number> {
    const { weights, matcher } = this.fitted();
    return { trained_messages: this.trainedMessages, destinations: matcher.entries.length, intents: weights.classes, feature_dimension: weights.dimension };
  }

  private understand(input: UnderstandInput): Understanding {
    const today = parseIsoDay(input.today);
    if (today === undefined) throw new InputError(`today must be a date YYYY-MM-DD, got "${input.today}"`, 'today');
    if (isOtherLanguage(input.text)) {
      const entities: MessageEntities = { destination: null, date_from: null, date_to: null, party_size: null, budget: null, service_level: null };
      return { language: detectLanguage(input.text), intent: 'general', confidence: 0, entities, tone: 'neutral', missing: missingFields(entities), nextQuestion: OTHER_LANGUAGE_REPLY };
    }
    const { intent, confidence } = this.classify(input.text);
    const entities = this.extractEntities(input.text, today);
    const language = detectLanguage(input.text);
    const tone = detectTone(input.text);
    const missing = missingFields(entities);
    return { language, intent, confidence, entities, tone, missing, nextQuestion: nextQuestion(intent, missing, language, tone) };
  }

  /** The catalogue code of a destination's canonical name, as the gazetteer knows it. */
  codeOf(name: string): string | null {
    return this.fitted().matcher.entries.find((d) => d.name === name)?.code ?? null;
  }

  /** Destinations of the gazetteer (code, canonical name, aliases). */
  get destinations(): GazetteerEntry[] {
    return structuredClone([...this.fitted().matcher.entries]);
  }

  toArtifact(): ModelArtifact<UnderstanderState> {
    const { weights, matcher } = this.fitted();
    return {
      family: FAMILY,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: { weights: encodeFloat32(weights.weights), bias: [...weights.bias], destinations: structuredClone([...matcher.entries]), trainedMessages: this.trainedMessages },
    };
  }

  static fromArtifact(artifact: ModelArtifact): MessageUnderstander {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new MessageUnderstander(readParams(artifact.params, DEFAULT_UNDERSTANDER_PARAMS, FAMILY));
    const state = artifact.state as UnderstanderState;
    model.weights = { classes: INTENTS.length, dimension: 1 << model.params.hashBits, weights: decodeFloat32(state.weights), bias: Float32Array.from(state.bias) };
    model.matcher = new DestinationMatcher(structuredClone(state.destinations));
    model.trainedMessages = state.trainedMessages;
    return model;
  }
}
