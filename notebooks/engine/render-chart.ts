import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { InputError } from '../../platform/errors.ts';

/** How every chart of a report looks unless its spec says otherwise: sized for a page, one quiet palette. */
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  range: { category: ['#1f6f8b', '#e07a5f', '#3d9970', '#f2cc8f', '#81b29a', '#6d597a', '#b56576', '#355070', '#eaac8b', '#8d99ae'] },
};

/**
 * A loader that loads nothing. A spec's layers may name data of their own (`data: { url }`), and vega's default
 * loader would read it from any file the reader can read, or any URL the machine can reach, into the report: a
 * notebook passed around must not take more than its SQL cells give it.
 */
function noExternalData(): { loader: ReturnType<typeof vega.loader>; refused: string[] } {
  const loader = vega.loader();
  const refused: string[] = [];
  loader.sanitize = async (uri: string) => {
    refused.push(uri);
    throw new Error(`may not load ${uri}`);
  };
  return { loader, refused };
}

/**
 * A Vega-Lite chart rendered to SVG on the server (no browser): the spec with the SQL cell's rows as its data,
 * compiled by vega-lite and drawn by vega's headless SVG renderer.
 */
export async function renderChart(spec: Record<string, unknown>, rows: Array<Record<string, unknown>>): Promise<string> {
  const full = { width: 640, height: 260, ...spec, config: { ...CONFIG, ...(spec.config as object | undefined) }, data: { values: rows } } as TopLevelSpec;
  // Warnings (an encoding vega-lite would pick differently) go nowhere: the report is what counts.
  const compiled = compile(full, { logger: vega.logger(vega.None) }).spec;
  const external = noExternalData();
  // Vega only logs a load that failed and draws the chart without it: the refusal is reported here instead.
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: external.loader, logLevel: vega.None });
  try {
    const svg = await view.toSVG();
    if (external.refused.length > 0) {
      throw new InputError(`a chart draws its SQL cell's rows only; it may not load ${external.refused.map((uri) => JSON.stringify(uri)).join(', ')}`, 'spec');
    }
    return svg;
  } finally {
    view.finalize();
  }
}
