import { InputError } from '../../platform/errors.ts';

/**
 * A notebook is one text file: Markdown, with fenced SQL cells and Vega-Lite chart specs.
 *
 *     ---
 *     title: Booking pace
 *     param destination: String = cusco
 *     ---
 *     Some **Markdown**.
 *     ```sql pace
 *     SELECT … WHERE code = {destination:String}
 *     ```
 *     ```vega-lite pace
 *     { "mark": "line", "encoding": { … } }
 *     ```
 *
 * A SQL cell is named after `sql` (other cells refer to it by that name; `hidden` after the name keeps its table out
 * of the report). A chart names the SQL cell whose rows it draws. Parameters are declared in the front matter
 * with a type and a default, used in SQL as ClickHouse query parameters, and set with `--param name=value`.
 * A parameter whose values are codes of something (a destination) declares the query that lists them,
 *
 *     values destination: SELECT code FROM destinations_latest
 *
 * and a value not in its first column fails the run naming the parameter: a code that matches nothing would
 * otherwise give a report of zeros.
 */
export type Cell =
  | { kind: 'markdown'; text: string }
  | { kind: 'sql'; name: string; sql: string; hidden: boolean; line: number }
  | { kind: 'chart'; data: string; spec: Record<string, unknown>; line: number };

export interface NotebookParam {
  name: string;
  type: string;
  default: string;
  /** A query whose first column lists the values the parameter may take (`values NAME: SELECT …`). */
  values?: string;
}

export interface Notebook {
  title: string;
  params: NotebookParam[];
  cells: Cell[];
}

export function parseNotebook(text: string, file = 'notebook'): Notebook {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let title = file;
  const params: NotebookParam[] = [];
  let i = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1);
    if (end < 0) throw new InputError(`${file}: the front matter opened on line 1 is never closed with ---`, 'FILE');
    for (const [n, line] of lines.slice(1, end).entries()) {
      if (line.trim() === '') continue;
      const titled = /^title:\s*(.+)$/.exec(line);
      const param = /^param\s+([A-Za-z_][A-Za-z0-9_]*):\s*([A-Za-z0-9(), ]+?)\s*=\s*(.*)$/.exec(line);
      const values = /^values\s+([A-Za-z_][A-Za-z0-9_]*):\s*(.+)$/.exec(line);
      if (titled) title = titled[1].trim();
      else if (param) params.push({ name: param[1], type: param[2].trim(), default: param[3].trim() });
      else if (values) {
        const declared = params.find((p) => p.name === values[1]);
        if (!declared) throw new InputError(`${file} line ${n + 2}: values ${values[1]} names no parameter declared above it`, 'FILE');
        declared.values = values[2].trim();
      } else throw new InputError(`${file} line ${n + 2}: front matter lines are "title: …", "param NAME: Type = default" or "values NAME: SELECT …"`, 'FILE');
    }
    i = end + 1;
  }
  const cells: Cell[] = [];
  const names = new Set<string>();
  let markdown: string[] = [];
  const flush = () => {
    if (markdown.join('').trim() !== '') cells.push({ kind: 'markdown', text: markdown.join('\n') });
    markdown = [];
  };
  while (i < lines.length) {
    const fence = /^```(sql|vega-lite)\b\s*(.*)$/.exec(lines[i]);
    if (!fence) {
      markdown.push(lines[i++]);
      continue;
    }
    flush();
    const start = i + 1;
    const close = lines.findIndex((l, k) => k > i && l.trim() === '```');
    if (close < 0) throw new InputError(`${file} line ${start}: the ${fence[1]} cell is never closed with \`\`\``, 'FILE');
    const body = lines.slice(start, close).join('\n');
    const words = fence[2].trim().split(/\s+/).filter(Boolean);
    if (fence[1] === 'sql') {
      const name = words[0];
      if (!name || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new InputError(`${file} line ${start}: a sql cell needs a name: \`\`\`sql NAME`, 'FILE');
      if (names.has(name)) throw new InputError(`${file} line ${start}: a second sql cell named ${name}`, 'FILE');
      names.add(name);
      cells.push({ kind: 'sql', name, sql: body, hidden: words.includes('hidden'), line: start });
    } else {
      const data = words[0];
      if (!data || !names.has(data)) throw new InputError(`${file} line ${start}: a vega-lite cell names the sql cell above it whose rows it draws: \`\`\`vega-lite NAME`, 'FILE');
      let spec: Record<string, unknown>;
      try {
        spec = JSON.parse(body) as Record<string, unknown>;
      } catch (err) {
        throw new InputError(`${file} line ${start}: the chart is not valid JSON: ${(err as Error).message}`, 'FILE');
      }
      cells.push({ kind: 'chart', data, spec, line: start });
    }
    i = close + 1;
  }
  flush();
  return { title, params, cells };
}
