import { Marked } from 'marked';
import { InputError } from '../../platform/errors.ts';
import type { AnalystColumn, AnalystQuery, AnalystResult } from '../../platform/analyst-sql/index.ts';
import { parameterTypes } from '../../platform/analyst-sql/canonical-query.ts';
import type { Notebook } from './parse-notebook.ts';
import { renderChart } from './render-chart.ts';

/** Rows of a table shown in the report; the chart always gets every row. */
const TABLE_ROWS = 40;

export type RunQuery = (query: Pick<AnalystQuery, 'sql' | 'params' | 'format'>) => Promise<AnalystResult>;

export interface ReportSection {
  kind: 'markdown' | 'table' | 'chart';
  html: string;
}

export interface NotebookReport {
  title: string;
  params: Record<string, string>;
  sections: ReportSection[];
  html: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Images a report may hold: pictures written into the notebook itself, never one to fetch. */
const EMBEDDED_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;
/** Links a reader may follow (nothing is fetched until clicked); javascript: and the like are not links. */
const FOLLOWABLE_LINK = /^(?:https?:\/\/|mailto:|#)/i;

/**
 * Markdown as the report shows it: no script and nothing fetched. Raw HTML in the text (a <script>, an <img> with
 * an onerror handler, an <iframe>) is shown as the text it is; an image is kept only when it is embedded as a
 * data: URI (png, jpeg, gif, webp), any other is replaced by its description; a link that is not http(s),
 * mailto or an anchor is its text only.
 */
const markdown = new Marked({
  // After an opening <kbd>, <code>, <pre> or <script> the lexer takes the rest of the paragraph as raw and marks its
  // text as already escaped, so `x <kbd> <img src=x onerror=…` reached the report as an element. No text is raw here.
  walkTokens(token) {
    if (token.type === 'text' && 'escaped' in token) token.escaped = false;
  },
  renderer: {
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    image({ href, title, text }) {
      if (EMBEDDED_IMAGE.test(href)) return `<img src="${href}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ''}>`;
      return `<span class="note">[image not included: ${escapeHtml(text || 'no description')}; a report fetches nothing, embed it as a data: URI]</span>`;
    },
    link({ href, tokens }) {
      return FOLLOWABLE_LINK.test(href) ? false : this.parser.parseInline(tokens);
    },
  },
});

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function tableHtml(name: string, columns: AnalystColumn[], rows: unknown[][]): string {
  const numeric = columns.map((c) => /^(Nullable\()?(U?Int|Float|Decimal)/.test(c.type));
  const head = columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(c.name)}</th>`).join('');
  const body = rows
    .slice(0, TABLE_ROWS)
    .map((r) => `<tr>${r.map((v, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(cellText(v))}</td>`).join('')}</tr>`)
    .join('\n');
  const more = rows.length > TABLE_ROWS ? `<p class="note">${TABLE_ROWS} of ${rows.length.toLocaleString('en-US')} rows shown; the chart uses all of them.</p>` : '';
  return `<figure class="table" data-cell="${escapeHtml(name)}"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}<figcaption>${escapeHtml(name)} · ${rows.length.toLocaleString('en-US')} rows</figcaption></figure>`;
}

/** The notebook's parameters: each declared one from --param or its default; an undeclared --param is an error. */
export function resolveParams(notebook: Notebook, given: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(given)) {
    if (!notebook.params.some((p) => p.name === name)) {
      throw new InputError(`--param ${name}: the notebook declares ${notebook.params.length ? notebook.params.map((p) => p.name).join(', ') : 'no parameters'}`, 'param');
    }
  }
  return Object.fromEntries(notebook.params.map((p) => [p.name, given[p.name] ?? p.default]));
}

/** A query of the notebook with the parameters it uses; bad input says where in the notebook it is (`where`). */
async function notebookQuery(sql: string, params: Record<string, string>, runQuery: RunQuery, where: string): Promise<{ columns: AnalystColumn[]; rows: unknown[][] }> {
  const used = Object.fromEntries([...parameterTypes(sql).keys()].map((name) => [name, params[name]]));
  let result: AnalystResult;
  try {
    result = await runQuery({ sql, params: used, format: 'json' });
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${where}: ${err.message}`, err.field);
    throw err;
  }
  if (result.format !== 'json') throw new Error('json asked, another format answered');
  return { columns: result.columns, rows: result.rows };
}

/**
 * Each parameter with a `values` query: its value must be one the query lists. A destination code that matches
 * none (`puno` where the code is `puno-titicaca`) made every figure 0 and the run succeed.
 */
async function checkParamValues(notebook: Notebook, params: Record<string, string>, runQuery: RunQuery): Promise<void> {
  for (const param of notebook.params) {
    if (param.values === undefined) continue;
    const result = await notebookQuery(param.values, params, runQuery, `values ${param.name} (front matter)`);
    const allowed = result.rows.map((r) => String(r[0]));
    if (!allowed.includes(params[param.name])) {
      const shown = allowed.length > 30 ? `${allowed.slice(0, 30).join(', ')}, … (${allowed.length} in all)` : allowed.join(', ');
      throw new InputError(`--param ${param.name}=${params[param.name]}: no such ${param.name}; ${allowed.length ? `one of ${shown}` : 'the warehouse has none'}`, 'param');
    }
  }
}

/**
 * Runs a notebook: each SQL cell through `runQuery` (the analyst guard, locally or through the API) with the
 * parameters it uses, each chart rendered to SVG from its cell's rows, Markdown to HTML; then one self-contained
 * HTML page (styles inline, no script, no external resource).
 */
export async function runNotebook(notebook: Notebook, given: Record<string, string>, runQuery: RunQuery, generatedAt = new Date()): Promise<NotebookReport> {
  const params = resolveParams(notebook, given);
  await checkParamValues(notebook, params, runQuery);
  const results = new Map<string, { columns: AnalystColumn[]; rows: unknown[][] }>();
  const sections: ReportSection[] = [];
  for (const cell of notebook.cells) {
    if (cell.kind === 'markdown') {
      sections.push({ kind: 'markdown', html: await markdown.parse(cell.text) });
    } else if (cell.kind === 'sql') {
      const result = await notebookQuery(cell.sql, params, runQuery, `sql cell ${cell.name} (line ${cell.line})`);
      results.set(cell.name, result);
      if (!cell.hidden) sections.push({ kind: 'table', html: tableHtml(cell.name, result.columns, result.rows) });
    } else {
      const data = results.get(cell.data)!;
      const rows = data.rows.map((r) => Object.fromEntries(data.columns.map((c, i) => [c.name, r[i]])));
      let svg: string;
      try {
        svg = await renderChart(cell.spec, rows);
      } catch (err) {
        if (err instanceof InputError) throw new InputError(`chart of sql cell ${cell.data} (line ${cell.line}): ${err.message}`, err.field);
        throw err;
      }
      sections.push({ kind: 'chart', html: `<figure class="chart" data-cell="${escapeHtml(cell.data)}">${svg}</figure>` });
    }
  }
  const paramList = Object.entries(params).map(([k, v]) => `${escapeHtml(k)} = ${escapeHtml(v)}`).join(', ');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(notebook.title)}</title>
<style>
body { font: 15px/1.5 Helvetica, Arial, sans-serif; color: #1d2733; max-width: 980px; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #dde3e8; }
.meta { color: #5b6b7a; font-size: .85rem; } .note, figcaption { color: #5b6b7a; font-size: .8rem; }
figure { margin: 1rem 0 1.5rem; } figure.chart svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .85rem; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6eaee; text-align: left; }
th { background: #f3f6f8; } .num { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f3f6f8; padding: 0 .2rem; }
</style></head>
<body>
<h1>${escapeHtml(notebook.title)}</h1>
<p class="meta">Generated ${escapeHtml(generatedAt.toISOString().replace('T', ' ').slice(0, 16))} UTC${paramList ? ` · parameters: ${paramList}` : ''}</p>
${sections.map((s) => s.html).join('\n')}
</body></html>
`;
  return { title: notebook.title, params, sections, html };
}
