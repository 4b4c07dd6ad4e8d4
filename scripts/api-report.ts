// The API report: every name the package's entry points export, with its signature, as TypeScript's
// checker sees it, in api/<entry>.api.md. What is listed there is the public API; a change to it is
// an API change, reviewed in the diff of that file.
//   npx tsx scripts/api-report.ts            rebuild dist/ and rewrite api/*.api.md from its .d.ts
//   npx tsx scripts/api-report.ts --check    compare the sources' report with api/ (exit 1 if not equal)
// test/api-report.test.ts runs the check on the sources; test/package.test.ts on the .d.ts files of
// the installed tarball: the report, the sources and the published types must agree.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = fileURLToPath(new URL('..', import.meta.url));

export interface EntryPoint {
  /** The import specifier users write. */
  specifier: string;
  /** The report file under api/. */
  report: string;
  /** The entry's source file and its compiled declarations, relative to the package root. */
  source: string;
  declarations: string;
}

export const ENTRY_POINTS: readonly EntryPoint[] = [
  { specifier: 'edgeqat', report: 'edgeqat.api.md', source: 'toolkit/index.ts', declarations: 'dist/toolkit/index.d.ts' },
  { specifier: 'edgeqat/runtime', report: 'runtime.api.md', source: 'runtime/index.ts', declarations: 'dist/runtime/index.d.ts' },
];

const NODE_FLAGS =
  ts.NodeBuilderFlags.NoTruncation |
  ts.NodeBuilderFlags.UseStructuralFallback |
  ts.NodeBuilderFlags.WriteArrayAsGenericType |
  ts.NodeBuilderFlags.IgnoreErrors;
const printer = ts.createPrinter({ removeComments: true, omitTrailingSemicolon: true });
const sink = ts.createSourceFile('api-report.ts', '', ts.ScriptTarget.ES2022);

function printed(node: ts.Node): string {
  return printer.printNode(ts.EmitHint.Unspecified, node, sink);
}

/**
 * A union's members in a fixed order (the checker writes them in the order it created their types,
 * which depends on what it read first), string literals in single quotes; with `dropUndefined`,
 * the outer union loses `undefined` (an optional parameter's type reads the same from a source and
 * from a .d.ts, where declaration emit adds `| undefined`).
 */
function normalize(node: ts.TypeNode, dropUndefined: boolean): ts.Node {
  const transformer: ts.TransformerFactory<ts.Node> = (ctx) => {
    const f = ctx.factory;
    const visit = (n: ts.Node): ts.Node => {
      const v = ts.visitEachChild(n, visit, ctx);
      if (ts.isLiteralTypeNode(v) && ts.isStringLiteral(v.literal)) return f.createLiteralTypeNode(f.createStringLiteral(v.literal.text, true));
      if (ts.isUnionTypeNode(v)) {
        const types = [...v.types].sort((a, b) => (printed(a) < printed(b) ? -1 : printed(a) > printed(b) ? 1 : 0));
        return f.updateUnionTypeNode(v, f.createNodeArray(types));
      }
      return v;
    };
    return (root) => {
      const out = visit(root);
      if (!dropUndefined || !ts.isUnionTypeNode(out)) return out;
      const kept = out.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
      return kept.length === 1 ? kept[0]! : f.updateUnionTypeNode(out, f.createNodeArray(kept));
    };
  };
  return ts.transform<ts.Node>(node, [transformer]).transformed[0]!;
}

function typeText(checker: ts.TypeChecker, type: ts.Type, opts: { inAlias?: boolean; dropUndefined?: boolean } = {}): string {
  const node = checker.typeToTypeNode(type, undefined, NODE_FLAGS | (opts.inAlias ? ts.NodeBuilderFlags.InTypeAlias : 0));
  if (!node) throw new Error(`no type node for ${checker.typeToString(type)}`);
  return printed(normalize(node, opts.dropUndefined ?? false)).replace(/\s*\n\s*/g, ' ');
}

/** `<T>(a: A, b?: B): R`, each type written by typeText. */
function signatureText(checker: ts.TypeChecker, sig: ts.Signature): string {
  const typeParams = sig.typeParameters?.length ? `<${sig.typeParameters.map((p) => typeText(checker, p)).join(', ')}>` : '';
  const params = sig.parameters.map((p) => {
    const decl = p.valueDeclaration;
    const isParam = decl !== undefined && ts.isParameter(decl);
    const optional = isParam && checker.isOptionalParameter(decl);
    const rest = isParam && decl.dotDotDotToken ? '...' : '';
    const type = typeText(checker, checker.getTypeOfSymbol(p), { dropUndefined: optional });
    return `${rest}${p.name}${optional ? '?' : ''}: ${type}`;
  });
  return `${typeParams}(${params.join(', ')}): ${typeText(checker, sig.getReturnType())}`;
}

/** Code-unit order: the same on every machine, whatever its locale. */
function byName(a: ts.Symbol, b: ts.Symbol): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isOptional(symbol: ts.Symbol): boolean {
  return (symbol.flags & ts.SymbolFlags.Optional) !== 0;
}

function isReadonly(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Readonly) !== 0);
}

/** The members of an interface or class instance type, one line each, sorted by name. */
function memberLines(checker: ts.TypeChecker, type: ts.Type, where: ts.Node): string[] {
  const lines: string[] = [];
  for (const member of [...checker.getPropertiesOfType(type)].sort(byName)) {
    const decl = member.declarations?.[0];
    if (decl && (ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) continue;
    if (member.name.startsWith('#')) continue;
    const memberType = checker.getTypeOfSymbolAtLocation(member, where);
    const isMethod = (member.flags & ts.SymbolFlags.Method) !== 0;
    if (isMethod) {
      for (const sig of checker.getNonNullableType(memberType).getCallSignatures()) lines.push(`  ${member.name}${isOptional(member) ? '?' : ''}${signatureText(checker, sig)};`);
    } else {
      lines.push(`  ${isReadonly(member) ? 'readonly ' : ''}${member.name}${isOptional(member) ? '?' : ''}: ${typeText(checker, memberType)};`);
    }
  }
  for (const sig of type.getCallSignatures()) lines.push(`  ${signatureText(checker, sig)};`);
  return lines;
}

/** One exported name as text: its kind and signature (members of interfaces and classes included). */
function describeExport(checker: ts.TypeChecker, name: string, exported: ts.Symbol, where: ts.Node): string {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const flags = symbol.flags;
  const parts: string[] = [];
  if (flags & ts.SymbolFlags.ValueModule && symbol.valueDeclaration && ts.isSourceFile(symbol.valueDeclaration)) {
    // A re-exported package namespace (`export * as tf from '@tensorflow/tfjs-core'`): named, not expanded.
    const file = symbol.valueDeclaration.fileName;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? file;
    return `namespace ${name} = '${pkg}';`;
  }
  if (flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, where);
    for (const sig of type.getCallSignatures()) parts.push(`function ${name}${signatureText(checker, sig)};`);
  }
  if (flags & ts.SymbolFlags.Class) {
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    const statics = checker.getTypeOfSymbolAtLocation(symbol, where);
    const ctors = statics.getConstructSignatures().map((s) => `  constructor${signatureText(checker, s).replace(/: [^:]+$/, '')};`);
    parts.push([`class ${name} {`, ...ctors, ...memberLines(checker, instance, where), '}'].join('\n'));
  } else if (flags & ts.SymbolFlags.Variable) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, where);
    parts.push(`const ${name}: ${typeText(checker, type)};`);
  }
  if (flags & ts.SymbolFlags.Interface) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const params = type.isClassOrInterface() && type.typeParameters ? `<${type.typeParameters.map((p) => typeText(checker, p)).join(', ')}>` : '';
    parts.push([`interface ${name}${params} {`, ...memberLines(checker, type, where), '}'].join('\n'));
  }
  if (flags & ts.SymbolFlags.TypeAlias) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    parts.push(`type ${name} = ${typeText(checker, type, { inAlias: true })};`);
  }
  if (parts.length === 0) parts.push(`${name}: unknown kind (symbol flags ${flags})`);
  return parts.join('\n');
}

/**
 * The report of each entry point (the text api/<entry>.api.md holds), read from the package in
 * `root`: its sources, or its compiled declarations (a build, or an installed tarball).
 */
export function apiReports(root: string, from: 'source' | 'declarations'): Map<EntryPoint, string> {
  const files = ENTRY_POINTS.map((e) => join(root, from === 'source' ? e.source : e.declarations));
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const reports = new Map<EntryPoint, string>();
  ENTRY_POINTS.forEach((entry, i) => {
    const source = program.getSourceFile(files[i]!);
    if (!source) throw new Error(`${files[i]}: not found`);
    const module = checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${files[i]}: not a module`);
    const exports = checker.getExportsOfModule(module).sort(byName);
    const body = exports.map((e) => describeExport(checker, e.name, e, source)).join('\n');
    reports.set(entry, [
      `# \`${entry.specifier}\`: public API`,
      '',
      `Every name \`import … from '${entry.specifier}'\` gives, with its signature (${exports.length} names). Generated by`,
      '`npm run api-report` from the built declarations; `test/api-report.test.ts` fails when the sources',
      'differ from it and `test/package.test.ts` when the packed .d.ts files do. A diff here is an API change.',
      '',
      '```ts',
      body,
      '```',
      '',
    ].join('\n'));
  });
  return reports;
}

export function reportPath(entry: EntryPoint): string {
  return join(repo, 'api', entry.report);
}

function main(): void {
  const check = process.argv.includes('--check');
  if (!check) execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  let differs = false;
  for (const [entry, text] of apiReports(repo, check ? 'source' : 'declarations')) {
    if (!check) {
      writeFileSync(reportPath(entry), text);
      console.log(`wrote api/${entry.report}`);
    } else if (readFileSync(reportPath(entry), 'utf8') !== text) {
      differs = true;
      console.error(`api/${entry.report}: differs from ${entry.source}; run npm run api-report and review the diff`);
    }
  }
  if (differs) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
