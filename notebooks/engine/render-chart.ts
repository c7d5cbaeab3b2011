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

/** Vega-Lite 5's marks, and its composite marks. */
const MARKS = ['arc', 'area', 'bar', 'circle', 'geoshape', 'image', 'line', 'point', 'rect', 'rule', 'square', 'text', 'tick', 'trail', 'boxplot', 'errorband', 'errorbar'];

/**
 * What a report may not hold: a link or an image to fetch. An `href` or `url` encoding or mark property, or an
 * `image` mark, puts URLs into the SVG (and vega's handling of href crashed the process outside the render's
 * promise), so they are refused before anything is compiled, in every view of the spec (layers, concatenations,
 * facets and repeats) and in its config.
 */
function refuseFetching(spec: unknown, at = 'spec'): void {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return;
  const view = spec as Record<string, unknown>;
  if ('mark' in view) {
    const mark = view.mark;
    const type = mark && typeof mark === 'object' ? (mark as { type?: unknown }).type : mark;
    if (type === 'image') throw new InputError(`${at}.mark: a report fetches nothing, so a chart may not draw image marks`, 'spec');
    // vega-lite fails on an unknown mark with a TypeError that says nothing about the mark.
    if (typeof type !== 'string' || !MARKS.includes(type)) throw new InputError(`${at}.mark: ${JSON.stringify(type)} is not a Vega-Lite mark; one of ${MARKS.filter((m) => m !== 'image').join(', ')}`, 'spec');
    refuseLinks(mark, `${at}.mark`);
  }
  if (view.encoding && typeof view.encoding === 'object') {
    for (const channel of Object.keys(view.encoding)) refuseLinks({ [channel]: true }, `${at}.encoding`);
  }
  refuseLinks(view.config, `${at}.config`);
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) {
    if (Array.isArray(view[key])) (view[key] as unknown[]).forEach((child, i) => refuseFetching(child, `${at}.${key}[${i}]`));
  }
  refuseFetching(view.spec, `${at}.spec`);
}

/** An `href` or `url` anywhere in a mark definition, an encoding or the config. */
function refuseLinks(value: unknown, at: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'href' || key === 'url') throw new InputError(`${at}.${key}: a report links to and fetches nothing, so a chart may not set ${key}`, 'spec');
    refuseLinks(inner, `${at}.${key}`);
  }
}

/** vega-lite's and vega's own message, first line only, for a person fixing the spec. */
const reason = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0];

/**
 * A Vega-Lite chart rendered to SVG on the server (no browser): the spec with the SQL cell's rows as its data,
 * compiled by vega-lite and drawn by vega's headless SVG renderer. A spec vega-lite or vega cannot handle (an
 * unknown mark, a broken expression) is the notebook's to fix: an InputError on `spec`, not a stack trace.
 */
export async function renderChart(spec: Record<string, unknown>, rows: Array<Record<string, unknown>>): Promise<string> {
  refuseFetching(spec);
  const full = { width: 640, height: 260, ...spec, config: { ...CONFIG, ...(spec.config as object | undefined) }, data: { values: rows } } as TopLevelSpec;
  let compiled: ReturnType<typeof compile>['spec'];
  try {
    // Warnings (an encoding vega-lite would pick differently) go nowhere: the report is what counts.
    compiled = compile(full, { logger: vega.logger(vega.None) }).spec;
  } catch (err) {
    throw new InputError(`the chart spec does not compile: ${reason(err)}`, 'spec');
  }
  const external = noExternalData();
  let view: vega.View;
  try {
    // Vega only logs a load that failed and draws the chart without it: the refusal is reported here instead.
    view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: external.loader, logLevel: vega.None });
  } catch (err) {
    throw new InputError(`the chart spec does not compile: ${reason(err)}`, 'spec');
  }
  try {
    let svg: string;
    try {
      svg = await view.toSVG();
    } catch (err) {
      if (external.refused.length === 0) throw new InputError(`the chart could not be drawn: ${reason(err)}`, 'spec');
      svg = '';
    }
    if (external.refused.length > 0) {
      throw new InputError(`a chart draws its SQL cell's rows only; it may not load ${external.refused.map((uri) => JSON.stringify(uri)).join(', ')}`, 'spec');
    }
    return svg;
  } finally {
    view.finalize();
  }
}
