import { InputError, NotFoundError, SpiritError } from '../../platform/errors.ts';
import type { ModelArtifact } from '../contract.ts';
import { ALIASES, isAlias, NO_ALIASES, rolledBack, withChallenger, withChampion, type AliasState } from './aliases.ts';
import type { ArtifactStore, StoreOptions } from './artifact-store.ts';
import { decodeArtifact, encodeArtifact, sha256, type ArtifactEncoding } from './artifact-encoding.ts';
import { codeVersion } from './code-version.ts';
import { checkVersionInput, readVersionRecord, type ModelVersion, type VersionInput } from './model-version.ts';
import { openArtifactStore } from './open-store.ts';
import { judgePromotion, type PromotionOutcome, type PromotionRule } from './promotion-rule.ts';
import { checkFamily, formatVersion, nextVersionNumber, parseVersion } from './version-id.ts';

/** One line of a family's append-only decisions log: every change of champion or challenger, and why. */
export interface Decision {
  at: string;
  family: string;
  version: string;
  /** `evaluate` is the automatic rule; `promote` and `rollback` are a person's commands. */
  action: 'evaluate' | 'promote' | 'rollback';
  outcome: PromotionOutcome | 'rolled-back';
  reason: string;
  championBefore: string | null;
  championAfter: string | null;
  rule?: PromotionRule;
  candidateValue?: number | null;
  championValue?: number | null;
  /** The candidate's baseline metric, when the rule names one and there was no champion to compare with. */
  baselineValue?: number | null;
  holdoutId?: string;
}

/*
 * Layout under the store, per family:
 *   <family>/versions/<version>.json      the version record (written once, never replaced)
 *   <family>/artifacts/<sha256>.json[.gz] the artefact, named by its checksum so it is written outside the lock
 *   <family>/aliases.json                 champion, challenger, previous champions
 *   <family>/decisions.jsonl              the decisions log
 *   <family>/registry.lock                held while a version number is taken or an alias changes
 */
const versionKey = (family: string, version: string) => `${family}/versions/${version}.json`;
const aliasesKey = (family: string) => `${family}/aliases.json`;
const decisionsKey = (family: string) => `${family}/decisions.jsonl`;
const lockKey = (family: string) => `${family}/registry`;
const VERSION_KEY = /^([a-z][a-z0-9_]*)\/versions\/(.+)\.json$/;

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + '\n');
}

/**
 * Every training run of every family writes an immutable version here; serving loads the champion's artefact.
 * Safe for several processes at once: version numbers and alias changes are taken under a per-family lock.
 */
export class ModelRegistry {
  constructor(readonly store: ArtifactStore) {}

  /** `location` is a URL such as `file:///srv/spirit/models` (see registry-location.ts for the default). */
  static open(location: string, options: StoreOptions = {}): ModelRegistry {
    return new ModelRegistry(openArtifactStore(location, options));
  }

  private async withFamilyLock<T>(family: string, work: () => Promise<T>): Promise<T> {
    const release = await this.store.lock(lockKey(family));
    try {
      return await work();
    } finally {
      await release();
    }
  }

  async register(input: VersionInput): Promise<ModelVersion> {
    const dataWindow = checkVersionInput(input);
    const family = input.artifact.family;
    const upstream = { ...input.upstream };
    // Lineage names versions that exist: a typo would otherwise surface only when serving loads the model.
    for (const [upstreamFamily, upstreamVersion] of Object.entries(upstream)) await this.get(upstreamFamily, upstreamVersion);
    const encoding: ArtifactEncoding = input.compress ? 'json+gzip' : 'json';
    const bytes = encodeArtifact(input.artifact, encoding);
    const checksum = sha256(bytes);
    const artifactKey = `${family}/artifacts/${checksum}.${encoding === 'json+gzip' ? 'json.gz' : 'json'}`;
    await this.store.put(artifactKey, bytes);
    return this.withFamilyLock(family, async () => {
      const existing = (await this.store.list(`${family}/versions/`)).map((k) => VERSION_KEY.exec(k)?.[2] ?? '');
      const version = formatVersion(family, nextVersionNumber(existing, family));
      const record: ModelVersion = {
        family,
        version,
        params: input.artifact.params,
        dataWindow,
        featuresVersion: input.featuresVersion,
        upstream,
        metrics: { ...input.metrics },
        holdoutId: input.holdoutId,
        codeVersion: codeVersion(),
        createdAt: new Date().toISOString(),
        artifact: { url: this.store.urlOf(artifactKey), key: artifactKey, sha256: checksum, bytes: bytes.length, encoding },
        ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}),
      };
      await this.store.putNew(versionKey(family, version), json(record));
      return record;
    });
  }

  async families(): Promise<string[]> {
    const names = new Set<string>();
    for (const key of await this.store.list('')) {
      const match = VERSION_KEY.exec(key);
      if (match) names.add(match[1]);
    }
    return [...names].sort();
  }

  /** Versions oldest first; all families when none is given. */
  async list(family?: string): Promise<ModelVersion[]> {
    const families = family === undefined ? await this.families() : [family];
    const versions: ModelVersion[] = [];
    for (const f of families) {
      checkFamily(f);
      for (const key of await this.store.list(`${f}/versions/`)) {
        if (VERSION_KEY.test(key)) versions.push(readVersionRecord(parseStored(key, (await this.store.get(key))!)));
      }
    }
    return versions;
  }

  async aliases(family: string): Promise<AliasState> {
    checkFamily(family);
    const bytes = await this.store.get(aliasesKey(family));
    return bytes ? parseStored<AliasState>(aliasesKey(family), bytes) : NO_ALIASES;
  }

  /** A version by id (`price-000007`) or by alias (`champion`, `challenger`). */
  async get(family: string, versionOrAlias: string): Promise<ModelVersion> {
    checkFamily(family);
    let version = versionOrAlias;
    if (isAlias(versionOrAlias)) {
      const target = (await this.aliases(family))[versionOrAlias];
      if (target === null) throw new NotFoundError(`${family} has no ${versionOrAlias} yet`, 'version');
      version = target;
    } else if (parseVersion(versionOrAlias)?.family !== family) {
      throw new InputError(`"${versionOrAlias}" is neither a ${family} version (${formatVersion(family, 7)}) nor an alias (${ALIASES.join(', ')})`, 'version');
    }
    const bytes = await this.store.get(versionKey(family, version));
    if (!bytes) throw new NotFoundError(`${family} has no version ${version}`, 'version');
    return readVersionRecord(parseStored(versionKey(family, version), bytes));
  }

  /** The artefact of a version, checked against its recorded sha256 (a mismatch throws CorruptArtifactError). */
  async loadArtifact(version: string | ModelVersion): Promise<ModelArtifact> {
    let record: ModelVersion;
    if (typeof version === 'string') {
      const parsed = parseVersion(version);
      if (!parsed) throw new InputError(`"${version}" is not a version id like ${formatVersion('price', 7)}`, 'version');
      record = await this.get(parsed.family, version);
    } else {
      record = version;
    }
    const bytes = await this.store.get(record.artifact.key);
    if (!bytes) throw new NotFoundError(`the artefact of ${record.version} is missing at ${record.artifact.url}`, 'version');
    return decodeArtifact(bytes, record.artifact.encoding, record.artifact.sha256, `${record.version} (${record.artifact.url})`);
  }

  async decisions(family: string): Promise<Decision[]> {
    checkFamily(family);
    const bytes = await this.store.get(decisionsKey(family));
    if (!bytes) return [];
    return bytes
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Decision);
  }

  /** Called under the family lock: the alias change first, then its log line (a log never claims what did not happen). */
  private async record(family: string, aliases: AliasState, decision: Decision): Promise<Decision> {
    await this.store.put(aliasesKey(family), json(aliases));
    const log = (await this.store.get(decisionsKey(family))) ?? Buffer.alloc(0);
    await this.store.put(decisionsKey(family), Buffer.concat([log, Buffer.from(JSON.stringify(decision) + '\n')]));
    return decision;
  }

  /**
   * The automatic rule after training: the version becomes champion when there is none (and it is not worse than
   * the baseline the rule names, when it recorded one) or when it is not worse than the champion on the same
   * holdout, otherwise challenger. The decision and its numbers go to the decisions log.
   */
  async evaluateForPromotion(family: string, version: string, rule: PromotionRule): Promise<Decision> {
    return this.withFamilyLock(family, async () => {
      const candidate = await this.get(family, version);
      const before = await this.aliases(family);
      const champion = before.champion === null ? undefined : await this.get(family, before.champion);
      const verdict = judgePromotion(candidate, champion, rule);
      const after =
        verdict.outcome === 'promoted' ? withChampion(before, candidate.version) : verdict.outcome === 'challenger' ? withChallenger(before, candidate.version) : before;
      return this.record(family, after, {
        at: new Date().toISOString(),
        family,
        version: candidate.version,
        action: 'evaluate',
        outcome: verdict.outcome,
        reason: verdict.reason,
        championBefore: before.champion,
        championAfter: after.champion,
        rule: { metric: rule.metric, direction: rule.direction, tolerance: rule.tolerance, ...(rule.baseline === undefined ? {} : { baseline: rule.baseline }) },
        candidateValue: verdict.candidateValue,
        championValue: verdict.championValue,
        ...(verdict.baselineValue === undefined ? {} : { baselineValue: verdict.baselineValue }),
        holdoutId: candidate.holdoutId,
      });
    });
  }

  /** A person's decision: the version becomes champion whatever its metrics. */
  async promote(family: string, version: string, reason = 'promoted by hand'): Promise<Decision> {
    return this.withFamilyLock(family, async () => {
      const candidate = await this.get(family, version);
      const before = await this.aliases(family);
      const after = withChampion(before, candidate.version);
      return this.record(family, after, {
        at: new Date().toISOString(),
        family,
        version: candidate.version,
        action: 'promote',
        outcome: after === before ? 'unchanged' : 'promoted',
        reason: after === before ? `${candidate.version} is already the champion` : reason,
        championBefore: before.champion,
        championAfter: after.champion,
      });
    });
  }

  /** Back to the previous champion (several rollbacks walk further back). */
  async rollback(family: string, reason = 'rolled back by hand'): Promise<Decision> {
    return this.withFamilyLock(family, async () => {
      const before = await this.aliases(family);
      const after = rolledBack(before, family);
      return this.record(family, after, {
        at: new Date().toISOString(),
        family,
        version: after.champion!,
        action: 'rollback',
        outcome: 'rolled-back',
        reason,
        championBefore: before.champion,
        championAfter: after.champion,
      });
    });
  }
}

/** A record of the registry as JSON; one that does not parse (a truncated or edited file) is named, not a stack trace. */
function parseStored<T = Parameters<typeof readVersionRecord>[0]>(key: string, bytes: Buffer): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (err) {
    throw new SpiritError('registry_record_corrupt', `the model registry's ${key} is not valid JSON (${(err as Error).message}); restore it from a backup or remove that version`);
  }
}
