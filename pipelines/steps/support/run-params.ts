import { InputError } from '../../../platform/errors.ts';
import { MODEL_FAMILIES, type ModelFamilies } from '../../../models/families.ts';
import type { StepContext } from '../../step.ts';
import { dateParam, fullIngestParam, promotionToleranceParam, runParam, seedParam } from './step-params.ts';

type Params = StepContext['params'];

/** The run's own parameters, read by several steps: each with the reader its steps use. */
const RUN_OWN: Readonly<Record<string, (ctx: { params: Params }) => unknown>> = {
  seed: seedParam,
  asOf: (ctx) => dateParam(ctx, 'asOf'),
  promotionTolerance: promotionToleranceParam,
  fullIngest: fullIngestParam,
};

/**
 * The parameters of a run of the default pipeline, checked before its first step: the run's own and every model
 * family's (models/families.ts). A misspelt name would be ignored and the run trained with the defaults; a value out
 * of range would fail its step only after the steps before it, and after every retry. Either is refused at once,
 * naming the parameter.
 */
export function checkRunParams(params: Params, families: ModelFamilies = MODEL_FAMILIES): void {
  const ofFamilies = new Map(Object.values(families).flatMap((f) => Object.values(f.params)).map((p) => [p.name, p]));
  for (const name of Object.keys(params)) {
    const own = RUN_OWN[name];
    const declared = ofFamilies.get(name);
    if (own) own({ params });
    else if (declared) runParam({ params }, declared);
    else throw new InputError(`parameter ${name} is not one of this pipeline's: ${[...Object.keys(RUN_OWN), ...ofFamilies.keys()].sort().join(', ')}`, name);
  }
}
