import { appendAudit, pipelineActor } from '../../platform/audit-log.ts';
import type { Step } from '../step.ts';
import type { Decision } from '../../models/registry/model-registry.ts';
import { BATCH_OUTPUTS, currentVersion, isComplete, switchCurrent, type BatchOutput } from './support/batch-output.ts';
import { beatsBaseline, FAMILY_PROMOTIONS } from './support/promotion.ts';
import { newestVersion } from './support/registry-lookup.ts';
import { numberParam } from './support/step-params.ts';

/**
 * Promotion after training. For each family, the newest version not yet judged goes through the registry's rule
 * (support/promotion.ts): champion when there is none, or when it is not worse than the champion on the same
 * holdout; otherwise challenger. The holdout is a window of whole months, so on the first run of a new month the
 * champion's score is on an older window and not comparable: then the version is promoted only if it beats its own
 * baseline on its window (cost-plus, popularity, seasonal naive, customer_type, keyword rules), and the decision says so.
 * Then readers of the batch tables are switched to the champion's batch (after a rollback too, on the next run).
 */
export const evaluateStep: Step = {
  name: 'evaluate',
  description: 'Promotion by the registry rule (same holdout) or, when the holdout moved on, by beating the baseline; batch readers switched to champions',
  reads: ['model:segmentation', 'model:price', 'model:recommender', 'model:demand', 'model:nlu', 'ch:customer_segments', 'ch:customer_recommendations', 'ch:demand_forecasts'],
  writes: ['model:aliases', 'ch:batch_current', 'pg:audit_log'],
  after: ['train-segments', 'train-price', 'train-recommender', 'train-demand', 'train-nlu'],
  async run(ctx) {
    const registry = ctx.registry;
    const tolerance = ctx.params.promotionTolerance === undefined ? undefined : numberParam(ctx, 'promotionTolerance', 0, 0, 0.99);
    const outputs: Record<string, string> = {};
    for (const promotion of FAMILY_PROMOTIONS) {
      const { family } = promotion;
      const candidate = await newestVersion(registry, family);
      if (!candidate) {
        outputs[family] = 'no version';
        continue;
      }
      const judged = (await registry.decisions(family)).some((d) => d.version === candidate.version && d.action !== 'rollback');
      if (judged) {
        outputs[family] = `${candidate.version} already judged`;
        continue;
      }
      const rule = { ...promotion.rule, tolerance: tolerance ?? promotion.rule.tolerance };
      let decision: Decision = await registry.evaluateForPromotion(family, candidate.version, rule);
      if (decision.outcome === 'challenger' && decision.reason.startsWith('holdouts differ') && beatsBaseline(candidate.metrics, promotion)) {
        decision = await registry.promote(
          family,
          candidate.version,
          `holdout moved on (${candidate.holdoutId}); ${promotion.rule.metric} ${candidate.metrics[promotion.rule.metric]} beats the baseline's ${candidate.metrics[promotion.baseline]} on it`,
        );
      }
      ctx.log.info('promotion decision', { family, version: candidate.version, outcome: decision.outcome, reason: decision.reason });
      if (decision.outcome === 'promoted') {
        await appendAudit(ctx.pg, pipelineActor('evaluate'), { action: 'model.promote', target: `model:${family}/${candidate.version}`, before: { champion: decision.championBefore }, after: { champion: decision.championAfter, reason: decision.reason } });
      }
      outputs[family] = `${candidate.version} ${decision.outcome}`;
    }

    for (const [output, family] of Object.entries(BATCH_OUTPUTS) as Array<[BatchOutput, string]>) {
      const aliases = await registry.aliases(family);
      if (aliases.champion && (await currentVersion(ctx.clickhouse, output)) !== aliases.champion) {
        if (await isComplete(ctx.clickhouse, output, aliases.champion)) {
          await switchCurrent(ctx.clickhouse, output, aliases.champion, `champion of ${family}`);
          outputs[output] = `switched to ${aliases.champion}`;
        } else {
          ctx.log.warn('champion has no complete batch; readers stay on the current one', { output, champion: aliases.champion });
        }
      }
    }
    return { outputs };
  },
};
