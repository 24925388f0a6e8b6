/**
 * The layering of the source tree and the size of its files and functions, checked on the imports
 * the TypeScript parser finds (static, `export … from`, `import('…')` with a literal).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const CHECKED_DIRS = ['functions', 'cli', 'local', 'infra'] as const;
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;
const ONE_CONCEPT = /one concept/i;

/** One import of a file: the specifier as written, whether it brings types only. */
interface RawImport {
  specifier: string;
  typeOnly: boolean;
}

/** An import resolved: a repository path for relative specifiers, the package specifier otherwise. */
interface Edge {
  from: string;
  target: string;
  isPackage: boolean;
  typeOnly: boolean;
}

type Layer = 'core' | 'adapters' | 'app' | 'edge' | 'api' | 'entry' | 'functions' | 'cli' | 'local' | 'infra' | 'other';

/** What the checker reports, one list per rule; each line names the offending file. */
interface Report {
  core: string[];
  adapters: string[];
  app: string[];
  edgeApi: string[];
  entries: string[];
  cliLocal: string[];
  cycles: string[];
  fileSizes: string[];
  functionSizes: string[];
}

const isTypeOnlyImport = (node: ts.ImportDeclaration): boolean => {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
};

const isTypeOnlyExport = (node: ts.ExportDeclaration): boolean => {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
  );
};

/** The imports of one source file, as the TypeScript parser sees them. */
const importsOf = (file: ts.SourceFile): RawImport[] => {
  const found: RawImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyImport(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnlyExport(node) });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
        found.push({ specifier: arg.literal.text, typeOnly: true });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

/** The repository path a relative specifier names (`.js` and extensionless forms map to the `.ts` file). */
const resolveRelative = (from: string, specifier: string, known: ReadonlySet<string>): string => {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    `${base}.ts`,
    `${base}/index.ts`,
  ];
  return candidates.find((c) => known.has(c)) ?? base;
};

const layerOf = (file: string): Layer => {
  const parts = file.split('/');
  const [top, second] = parts;
  if (top === 'functions') {
    if (parts.length === 2) return 'entry';
    if (second === 'core' || second === 'adapters' || second === 'app' || second === 'edge' || second === 'api') {
      return second;
    }
    return 'functions';
  }
  if (top === 'cli' || top === 'local' || top === 'infra') return top;
  return 'other';
};

/** Packages core and app may not import: the AWS SDK, Powertools, the file system, processes, the network. */
const isImpurePackage = (specifier: string): boolean => {
  if (specifier.startsWith('@aws-sdk/') || specifier.startsWith('@aws-lambda-powertools/')) return true;
  const builtin = specifier.replace(/^node:/, '').split('/')[0] ?? '';
  return ['fs', 'child_process', 'net', 'http', 'https'].includes(builtin);
};

const describeEdge = (e: Edge): string => `${e.from} → ${e.target}${e.typeOnly ? ' (type)' : ''}`;

/** Edges out of one layer whose target layer is not in `allowed` (packages allowed unless `badPackage`). */
const layerViolations = (
  edges: readonly Edge[],
  layers: readonly Layer[],
  allowed: (e: Edge, target: Layer) => boolean,
  badPackage: (specifier: string) => boolean = () => false,
): string[] =>
  edges
    .filter((e) => layers.includes(layerOf(e.from)))
    .filter((e) => (e.isPackage ? badPackage(e.target) : !allowed(e, layerOf(e.target))))
    .map(describeEdge);

/** Strongly connected components (Tarjan) of a graph given as adjacency lists. */
const stronglyConnected = (graph: ReadonlyMap<string, readonly string[]>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components;
};

/** A shortest cycle through `start` within `members` (breadth-first), as the list of files walked. */
const cycleThrough = (start: string, members: ReadonlySet<string>, graph: ReadonlyMap<string, readonly string[]>) => {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i] ?? '';
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0] ?? '') ?? start);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
};

/**
 * One cycle path per group of functions/ files that import each other. Type imports count (the
 * files still depend on each other); a step taken only by type imports shows as `→ (type)`.
 */
const importCycles = (edges: readonly Edge[]): string[] => {
  const graph = new Map<string, string[]>();
  const typeOnly = new Map<string, boolean>();
  for (const e of edges) {
    if (e.isPackage || !e.from.startsWith('functions/') || !e.target.startsWith('functions/')) continue;
    graph.set(e.from, [...new Set([...(graph.get(e.from) ?? []), e.target])].sort());
    if (!graph.has(e.target)) graph.set(e.target, []);
    const key = `${e.from} ${e.target}`;
    typeOnly.set(key, (typeOnly.get(key) ?? true) && e.typeOnly);
  }
  return stronglyConnected(graph)
    .filter((c) => c.length > 1 || (graph.get(c[0] ?? '') ?? []).includes(c[0] ?? ''))
    .map((c) => {
      const cycle = cycleThrough([...c].sort()[0] ?? '', new Set(c), graph);
      const steps = cycle.map((f, i) =>
        i === 0 ? f : `${typeOnly.get(`${cycle[i - 1]} ${f}`) ? '→ (type) ' : '→ '}${f}`,
      );
      return `${steps.join(' ')} (${c.length} files in the cycle group)`;
    })
    .sort();
};

/** Lines as `wc -l` counts them, plus a last line without a newline. */
const lineCount = (text: string): number => {
  const newlines = text.split('\n').length - 1;
  return newlines + (text.length > 0 && !text.endsWith('\n') ? 1 : 0);
};

/** The file's first comment block: its first comment, with the line comments right under it. */
const openingComment = (file: ts.SourceFile): string => {
  let ranges: readonly ts.CommentRange[] = [];
  const visit = (node: ts.Node): void => {
    if (ranges.length > 0) return;
    ranges = ts.getLeadingCommentRanges(file.text, node.pos) ?? [];
    if (ranges.length === 0) ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  const [first, ...rest] =
    ranges.length > 0 ? ranges : (ts.getLeadingCommentRanges(file.text, file.endOfFileToken.pos) ?? []);
  if (!first) return '';
  let end = first.end;
  if (first.kind === ts.SyntaxKind.SingleLineCommentTrivia) {
    for (const next of rest) {
      if (next.kind !== ts.SyntaxKind.SingleLineCommentTrivia || /\n\s*\n/.test(file.text.slice(end, next.pos))) break;
      end = next.end;
    }
  }
  return file.text.slice(first.pos, end);
};

const functionName = (node: ts.FunctionLikeDeclaration): string => {
  const owner = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
  if (ts.isConstructorDeclaration(node)) return `${owner}constructor`;
  if (node.name) return `${owner}${node.name.getText()}`;
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) {
    return parent.name.getText();
  }
  if (ts.isArrowFunction(parent) || ts.isFunctionExpression(parent))
    return `${functionName(parent)} (returned function)`;
  if (ts.isCallExpression(parent)) return `<callback of ${parent.expression.getText().slice(0, 40)}>`;
  return '<anonymous>';
};

/** Functions of a file longer than the limit: declarations, expressions, arrows, methods, accessors. */
const longFunctions = (file: ts.SourceFile): string[] => {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isConstructorDeclaration(node) ||
        ts.isGetAccessorDeclaration(node) ||
        ts.isSetAccessorDeclaration(node)) &&
      node.body
    ) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES)
        found.push(`${file.fileName}:${first + 1} ${functionName(node)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
};

/** Checks every rule on a set of files (repository path → text); pure, so it runs on fake files too. */
const checkArchitecture = (files: ReadonlyMap<string, string>): Report => {
  const known = new Set(files.keys());
  const edges: Edge[] = [];
  const fileSizes: string[] = [];
  const functionSizes: string[] = [];
  for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    for (const { specifier, typeOnly } of importsOf(source)) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      const target = relative ? resolveRelative(name, specifier, known) : specifier;
      edges.push({ from: name, target, isPackage: !relative, typeOnly });
    }
    const lines = lineCount(text);
    if (lines > MAX_FILE_LINES && !ONE_CONCEPT.test(openingComment(source))) fileSizes.push(`${name} (${lines} lines)`);
    functionSizes.push(...longFunctions(source));
  }
  return {
    core: layerViolations(edges, ['core'], (_, t) => t === 'core', isImpurePackage),
    adapters: layerViolations(edges, ['adapters'], (_, t) => t === 'core' || t === 'adapters'),
    app: layerViolations(
      edges,
      ['app'],
      (e, t) => t === 'core' || t === 'app' || (t === 'adapters' && e.typeOnly),
      isImpurePackage,
    ),
    edgeApi: layerViolations(edges, ['edge', 'api'], (_, t) => ['app', 'core', 'edge', 'api', 'adapters'].includes(t)),
    entries: edges
      .filter((e) => !e.isPackage && layerOf(e.target) === 'entry')
      .filter((e) => !['infra', 'local', 'other'].includes(layerOf(e.from)))
      .map(describeEdge),
    cliLocal: edges
      .filter((e) => !e.isPackage && layerOf(e.from) === 'cli' && layerOf(e.target) === 'local')
      .map(describeEdge),
    cycles: importCycles(edges),
    fileSizes,
    functionSizes,
  };
};

/** The .ts files under the checked folders, by repository path. */
const readSources = (): Map<string, string> => {
  const files = new Map<string, string>();
  for (const dir of CHECKED_DIRS) {
    for (const entry of readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!entry.endsWith('.ts') || entry.split(path.sep).includes('node_modules')) continue;
      const name = `${dir}/${entry.split(path.sep).join('/')}`;
      files.set(name, readFileSync(path.join(ROOT, name), 'utf8'));
    }
  }
  return files;
};

const fakeFunction = (name: string, bodyLines: number): string =>
  `export function ${name}() {\n${'  void 0;\n'.repeat(bodyLines)}}\n`;

/** A tiny tree that breaks each rule once (and keeps it where it is allowed). */
const FAKE_TREE = new Map<string, string>([
  [
    'functions/core/a.ts',
    "import { b } from '../adapters/b.ts';\nimport { readFileSync } from 'node:fs';\nimport * as z from 'zod';\nexport * from './p.ts';\n",
  ],
  ['functions/core/p.ts', "export const p = async () => import('./q');\n"],
  ['functions/core/q.ts', "export { p } from './p.ts';\n"],
  ['functions/core/m.ts', "import { n } from './n.ts';\n"],
  ['functions/core/n.ts', "import type { M } from './m.ts';\n"],
  [
    'functions/adapters/b.ts',
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { c } from '../app/c.ts';\n",
  ],
  [
    'functions/app/c.ts',
    "import type { B } from '../adapters/b.ts';\nimport { type C } from '../adapters/b.ts';\nimport { b } from '../adapters/b.ts';\nimport { a } from '../core/a.ts';\nimport { SESClient } from '@aws-sdk/client-ses';\n",
  ],
  ['functions/edge/d.ts', "import { b } from '../adapters/b.ts';\nimport { handler } from '../entry.ts';\n"],
  ['functions/api/e.ts', "import { d } from '../edge/d.ts';\nimport { c } from '../app/c.ts';\n"],
  ['functions/entry.ts', "import { e } from './api/e.ts';\n"],
  ['cli/x.ts', "import { y } from '../local/y.ts';\nimport type { H } from '../functions/entry.ts';\n"],
  ['local/y.ts', "import { handler } from '../functions/entry.ts';\n"],
  ['infra/z.ts', "export const load = () => import('../functions/entry.ts');\n"],
  ['infra/long.ts', `${fakeFunction('short', 78)}${'// filler\n'.repeat(421)}`],
  ['infra/concept.ts', `import { x } from './x.ts';\n// The stack.\n// One concept: all of it.\n${'x;\n'.repeat(600)}`],
  ['infra/late-concept.ts', `/** The stack. */\n\n// One concept: too late.\n${'// filler\n'.repeat(600)}`],
  ['local/long-function.ts', `/** A long one. */\n${fakeFunction('long', 79)}`],
]);

describe('the architecture checker', () => {
  it('reports each rule broken in a tree of fake files, and nothing where the rules allow it', () => {
    // Act
    const report = checkArchitecture(FAKE_TREE);

    // Assess
    expect(report).toEqual({
      core: ['functions/core/a.ts → functions/adapters/b.ts', 'functions/core/a.ts → node:fs'],
      adapters: ['functions/adapters/b.ts → functions/app/c.ts'],
      app: ['functions/app/c.ts → functions/adapters/b.ts', 'functions/app/c.ts → @aws-sdk/client-ses'],
      edgeApi: ['functions/edge/d.ts → functions/entry.ts'],
      entries: ['cli/x.ts → functions/entry.ts (type)', 'functions/edge/d.ts → functions/entry.ts'],
      cliLocal: ['cli/x.ts → local/y.ts'],
      cycles: [
        'functions/adapters/b.ts → functions/app/c.ts → functions/adapters/b.ts (3 files in the cycle group)',
        'functions/api/e.ts → functions/edge/d.ts → functions/entry.ts → functions/api/e.ts (3 files in the cycle group)',
        'functions/core/m.ts → functions/core/n.ts → (type) functions/core/m.ts (2 files in the cycle group)',
        'functions/core/p.ts → functions/core/q.ts → functions/core/p.ts (2 files in the cycle group)',
      ],
      fileSizes: ['infra/late-concept.ts (603 lines)', 'infra/long.ts (501 lines)'],
      functionSizes: ['local/long-function.ts:2 long (81 lines)'],
    });
  });
});

describe('the source tree', () => {
  const files = readSources();
  const report = checkArchitecture(files);

  it('is read: every checked folder has TypeScript files', () => {
    for (const dir of CHECKED_DIRS)
      expect(
        [...files.keys()].some((f) => f.startsWith(`${dir}/`)),
        dir,
      ).toBe(true);
  });

  it('keeps functions/core pure: core and pure packages only', () => {
    expect(report.core).toEqual([]);
  });

  it('keeps functions/adapters on core and adapters', () => {
    expect(report.adapters).toEqual([]);
  });

  it('gives functions/app its adapters as arguments: core, app, adapter types, and no SDK or I/O package', () => {
    expect(report.app).toEqual([]);
  });

  it('lets functions/edge and functions/api compose app, core, edge, api and adapters, never entry files', () => {
    expect(report.edgeApi).toEqual([]);
  });

  it('imports entry files (functions/*.ts) only from infra/ and local/', () => {
    expect(report.entries).toEqual([]);
  });

  it('keeps cli/ off local/', () => {
    expect(report.cliLocal).toEqual([]);
  });

  it('has no import cycles among functions/ files', () => {
    expect(report.cycles).toEqual([]);
  });

  it(`has no file over ${MAX_FILE_LINES} lines unless its opening comment says it is one concept`, () => {
    expect(report.fileSizes).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(report.functionSizes).toEqual([]);
  });
});
