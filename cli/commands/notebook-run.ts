import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { existingFile, stringArg } from '../command.ts';
import { UsageError } from '../../platform/errors.ts';
import { openAnalystSource } from '../analyst-source.ts';
import { paramArgs } from './sql.ts';
import { parseNotebook } from '../../notebooks/engine/parse-notebook.ts';
import { runNotebook } from '../../notebooks/engine/run-notebook.ts';

export const command: Command = {
  name: 'notebook run',
  summary: 'Run an analyst notebook (Markdown, SQL, Vega-Lite) into one self-contained HTML report',
  positionals: [{ name: 'FILE', description: 'The notebook, e.g. notebooks/booking-pace.md' }],
  options: {
    param: { type: 'string', multiple: true, description: 'A notebook parameter NAME=VALUE (repeatable; see its front matter)' },
    out: { type: 'string', description: 'Where to write the HTML report, e.g. report.html' },
  },
  details: [
    'Each SQL cell runs as `spirit-ml sql` runs a query (the analyst guard, read-only, with limits), locally or, while',
    '`npm start` holds the embedded ClickHouse, through its API. Charts are rendered to SVG here; the report needs no',
    'network and no script: raw HTML in the Markdown is shown as text, images only embedded (data: URIs), charts',
    'may not link (href, url) or draw image marks. A bad chart spec or a --param value the notebook does not list',
    'stops the run with exit 2. Notebook format: notebooks/README.md.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    // Both are checked before anything runs: a folder given for either crashed the run with EISDIR and a stack trace.
    const file = args.positionals[0];
    existingFile(file, 'FILE', 'FILE', 'give the notebook, e.g. notebooks/booking-pace.md');
    const target = stringArg(args, 'out');
    if (!fs.existsSync(path.dirname(path.resolve(target)))) throw new UsageError(`--out ${target}: its folder does not exist`, 'out');
    if (fs.existsSync(target) && !fs.statSync(target).isFile()) throw new UsageError(`--out ${target} is a folder (or not a file): give the report's file name, e.g. ${path.join(target, 'report.html')}`, 'out');
    // The report would replace the analyst's notebook, which nothing keeps a copy of.
    if (fs.existsSync(target) && fs.realpathSync(target) === fs.realpathSync(file)) throw new UsageError(`--out ${target} is the notebook itself: give the report another name, e.g. ${file.replace(/\.md$/, '')}.html`, 'out');
    const notebook = parseNotebook(fs.readFileSync(file, 'utf8'), file);
    const params = paramArgs(args);
    const source = await openAnalystSource(config, log, (line) => process.stderr.write(`spirit-ml notebook run: ${line}\n`));
    try {
      const report = await runNotebook(notebook, params, (query) => source.run(query));
      fs.writeFileSync(target, report.html);
      const charts = report.sections.filter((s) => s.kind === 'chart').length;
      const tables = report.sections.filter((s) => s.kind === 'table').length;
      out(`${target}: ${notebook.title} — ${tables} table${tables === 1 ? '' : 's'}, ${charts} chart${charts === 1 ? '' : 's'} (${(report.html.length / 1024).toFixed(0)} KiB)\n`);
    } finally {
      await source.close();
    }
  },
};
