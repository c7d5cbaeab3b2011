/**
 * Contributions in price currency. The model predicts the log markup, additive in per-feature contributions c_f:
 *   price = cost · exp(bias + S),  S = Σ c_f.
 * With baseValue = cost · exp(bias), the move price − baseValue = baseValue · (e^S − 1) is shared out in
 * proportion to the c_f:  amount_f = baseValue · c_f · (e^S − 1)/S.
 * The amounts keep the signs of the c_f and add up to price − baseValue exactly; (e^S − 1)/S → 1 as S → 0.
 */
export function currencyAmounts(baseValue: number, logContributions: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let f = 0; f < logContributions.length; f++) s += logContributions[f];
  const factor = Math.abs(s) < 1e-12 ? 1 : Math.expm1(s) / s;
  return Float64Array.from({ length: logContributions.length }, (_, f) => baseValue * logContributions[f] * factor);
}
