/**
 * ClickHouse's own parse of a query, as `EXPLAIN AST` prints it: one row per node, indented one space per level,
 * e.g. `      Function file (alias f) (children 1)`. The guard reads this tree rather than the SQL text, so that
 * comments, case, quoting, heredocs and parameters are all resolved by the same parser that runs the query.
 */
export interface AstNode {
  /** The node's class without its `AST` prefix: SelectQuery, TableExpression, Function, TableIdentifier… */
  kind: string;
  /** What follows the kind: a function's or table's name, a literal… (as ClickHouse prints it, unquoted). */
  detail: string;
  alias?: string;
  children: AstNode[];
}

const CHILDREN = / \(children \d+\)$/;
const NODE_LINE = /^ *[A-Za-z_][A-Za-z0-9_]*(?: |$)/;
const ALIAS = / \(alias (.*)\)$/;

function nodeOf(text: string): AstNode {
  let rest = text.replace(CHILDREN, '');
  let alias: string | undefined;
  const aliased = ALIAS.exec(rest);
  if (aliased) {
    alias = aliased[1];
    rest = rest.slice(0, aliased.index);
  }
  const space = rest.indexOf(' ');
  const kind = space < 0 ? rest : rest.slice(0, space);
  const detail = space < 0 ? '' : rest.slice(space + 1);
  return alias === undefined ? { kind, detail, children: [] } : { kind, detail, alias, children: [] };
}

/** The rows of `EXPLAIN AST` (already unescaped) as a tree; throws when they do not form one. */
export function parseAstDump(rows: readonly string[]): AstNode {
  const stack: Array<{ depth: number; node: AstNode }> = [];
  let root: AstNode | undefined;
  for (const row of rows) {
    if (row.trim() === '') continue;
    // Every line is a node: a class name first (AST classes; a dictionary's parts are lower case). A line that is not (the tail of a name that held a line
    // break) means the dump cannot be read as the query's tree.
    if (!NODE_LINE.test(row)) throw new Error(`EXPLAIN AST printed a line that is not a node: ${JSON.stringify(row.slice(0, 60))}`);
    const depth = row.length - row.trimStart().length;
    const node = nodeOf(row.trimStart());
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop();
    if (stack.length === 0) {
      if (root) throw new Error('EXPLAIN AST printed more than one root');
      if (depth !== 0) throw new Error('EXPLAIN AST printed an indented root');
      root = node;
    } else {
      if (depth !== stack[stack.length - 1].depth + 1) throw new Error('EXPLAIN AST skipped a level');
      stack[stack.length - 1].node.children.push(node);
    }
    stack.push({ depth, node });
  }
  if (!root) throw new Error('EXPLAIN AST printed nothing');
  return root;
}

/** Unescapes one row of ClickHouse's TabSeparated output (one column). */
export function unescapeTsv(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' })[c] ?? c);
}

/** Every node of the tree with its parent, depth first. */
export function* walk(node: AstNode, parent?: AstNode): Generator<{ node: AstNode; parent: AstNode | undefined }> {
  yield { node, parent };
  for (const child of node.children) yield* walk(child, node);
}
