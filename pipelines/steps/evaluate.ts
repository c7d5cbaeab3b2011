import { appendAudit, pipelineActor } from '../../platform/audit-log.ts';
import type { Step } from '../step.ts';
import type { Decision } from '../../models/registry/model-registry.ts';
import { batchOutputsOf, MODEL_FAMILIES, type ModelFamilies } from '../../models/families.ts';
import { currentVersion, isComplete, switchCurrent, type BatchOutput } from './support/batch-output.ts';
import { beatsBaseline, promotionsOf } from './support/promotion.ts';
import { newestVersion } from './support/registry-lookup.ts';
import { holdoutMovedOn } from './support/holdout-window.ts';
import { promotionToleranceParam } from './support/step-params.ts';

/**
 * Promotion after training. For each family, the newest version not yet judged goes through the registry's rule
 * (support/promotion.ts): champion when there is none and it is not worse than its baseline on its holdout, or
 * when it is not worse than the champion on the same holdout; otherwise challenger. The holdout is a window of whole months, so on the first run of a new month the
 * champion's score is on an older window and not comparable: then the version is promoted only if it beats its own
 * baseline on its window (cost-plus, popularity, seasonal naive, customer_type, keyword rules), and the decision says so.
 * Only a window that moved on in time does that (holdoutMovedOn): a backfill's older window, another seed or another
 * population leaves the version a challenger for a person to judge.
 * Then readers of the batch tables are switched to the champion's batch (after a rollback too, on the next run).
 * The families, their rules, training steps and batch tables come from models/families.ts.
 */
export function evaluateStepFor(families: ModelFamilies): Step {
  const batchOutputs = batchOutputsOf(families);
  const list = Object.values(families);
  return {
    name: 'evaluate',
    description: 'Promotion by the registry rule (same holdout) or, when the holdout moved on, by beating the baseline; batch readers switched to champions',
    reads: [...list.map((f) => `model:${f.name}`), ...Object.keys(batchOutputs).map((table) => `ch:${table}`)],
    writes: ['model:aliases', 'ch:batch_current', 'pg:audit_log'],
    after: list.map((f) => f.trainedBy),
    async run(ctx) {
      const registry = ctx.registry;
      const tolerance = promotionToleranceParam(ctx);
      const outputs: Record<string, string> = {};
      for (const promotion of promotionsOf(families)) {
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
        // The baseline goes with the rule: a first version (no champion to compare with) worse than it stays challenger.
        const rule = { ...promotion.rule, tolerance: tolerance ?? promotion.rule.tolerance, baseline: promotion.baseline };
        let decision: Decision = await registry.evaluateForPromotion(family, candidate.version, rule);
        // The champion's own holdout is read only when the holdouts differ: most decisions never need it.
        const movedOn = async () => {
          const champion = decision.championBefore ? await registry.get(family, decision.championBefore).catch(() => undefined) : undefined;
          return holdoutMovedOn(candidate.holdoutId, champion?.holdoutId);
        };
        if (decision.outcome === 'challenger' && decision.reason.startsWith('holdouts differ') && beatsBaseline(candidate.metrics, promotion) && (await movedOn())) {
          decision = await registry.promote(
            family,
            candidate.version,
            `holdout moved on (${candidate.holdoutId}); ${promotion.rule.metric} ${candidate.metrics[promotion.rule.metric]} beats the baseline's ${candidate.metrics[promotion.baseline]} on it`,
          );
        }
        // A family left without a champion serves nothing (its routes answer 503): worth more than an info line.
        const fields = { family, version: candidate.version, outcome: decision.outcome, reason: decision.reason };
        if (decision.championAfter === null) ctx.log.warn('promotion decision: the family has no champion to serve', fields);
        else ctx.log.info('promotion decision', fields);
        if (decision.outcome === 'promoted') {
          await appendAudit(ctx.pg, pipelineActor('evaluate'), { action: 'model.promote', target: `model:${family}/${candidate.version}`, before: { champion: decision.championBefore }, after: { champion: decision.championAfter, reason: decision.reason } });
        }
        outputs[family] = `${candidate.version} ${decision.outcome}`;
      }

      for (const [output, family] of Object.entries(batchOutputs) as Array<[BatchOutput, string]>) {
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
}

export const evaluateStep: Step = evaluateStepFor(MODEL_FAMILIES);
