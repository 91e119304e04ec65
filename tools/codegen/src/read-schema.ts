/**
 * Reads the method table with ts-morph: names, doc comments, the type arguments of
 * `method<Args, Result>(...)` and the spec literal, evaluated as plain data.
 */
import path from 'node:path';
import { Node, Project, SyntaxKind, type Expression, type SourceFile } from 'ts-morph';
import type { MethodSpec } from '../../../packages/schema/src/define.js';
import { camelCase, pascalCase, type MethodModel, type SchemaModel } from './model.js';

export function readSchema(methodsFile: string, project = new Project({ skipAddingFilesFromTsConfig: true })): SchemaModel {
  const file = path.resolve(methodsFile);
  const source = project.addSourceFileAtPath(file);
  return { file, imports: readImports(source), methods: readMethods(source) };
}

function readImports(source: SourceFile): SchemaModel['imports'] {
  const dir = path.dirname(source.getFilePath());
  const out: { namespace: string; path: string }[] = [];
  for (const decl of source.getImportDeclarations()) {
    const ns = decl.getNamespaceImport();
    if (!ns) continue;
    const spec = decl.getModuleSpecifierValue();
    const abs = spec.startsWith('.') ? path.resolve(dir, spec).replace(/\.js$/, '') : spec;
    out.push({ namespace: ns.getText(), path: abs });
  }
  return out;
}

function readMethods(source: SourceFile): MethodModel[] {
  const decl = source.getVariableDeclaration('methods');
  if (!decl) throw new Error(`${source.getFilePath()}: no 'export const methods = { ... }'`);
  let init = decl.getInitializerOrThrow();
  if (Node.isAsExpression(init)) init = init.getExpression();
  const table = init.asKindOrThrow(SyntaxKind.ObjectLiteralExpression);
  const seen = new Set<string>();
  return table.getProperties().map((prop) => {
    const where = `${source.getFilePath()}:${prop.getStartLineNumber()}`;
    if (!Node.isPropertyAssignment(prop)) throw new Error(`${where}: each method must be 'name: method<Args, Result>({...})'`);
    const wire = prop.getName();
    if (!/^[a-z][a-z0-9_]*$/.test(wire)) throw new Error(`${where}: method name '${wire}' is not snake_case`);
    if (seen.has(wire)) throw new Error(`${where}: method '${wire}' declared twice`);
    seen.add(wire);
    const call = prop.getInitializerOrThrow().asKindOrThrow(SyntaxKind.CallExpression);
    const typeArgs = call.getTypeArguments();
    const [argsNode, resultNode] = typeArgs;
    if (typeArgs.length !== 2 || !argsNode || !resultNode) throw new Error(`${where}: '${wire}' needs method<Args, Result>`);
    const [specNode] = call.getArguments();
    if (!specNode) throw new Error(`${where}: '${wire}' has no spec literal`);
    const doc = prop
      .getLeadingCommentRanges()
      .map((r) => r.getText())
      .filter((t) => t.startsWith('/**'))
      .map(cleanDoc)
      .join('\n')
      .trim();
    if (!doc) throw new Error(`${where}: '${wire}' has no doc comment`);
    return {
      wire,
      camel: camelCase(wire),
      pascal: pascalCase(wire),
      doc,
      argsType: argsNode.getText(),
      resultType: resultNode.getText(),
      spec: evaluate(specNode as Expression, where) as MethodSpec,
    };
  });
}

function cleanDoc(text: string): string {
  return text
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, '').trimEnd())
    .join('\n')
    .trim();
}

/** Evaluates a literal made of objects, arrays, strings, numbers and booleans. */
function evaluate(node: Expression, where: string): unknown {
  if (Node.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const p of node.getProperties()) {
      if (!Node.isPropertyAssignment(p)) throw new Error(`${where}: spec literals take plain 'key: value' properties`);
      out[p.getName().replace(/^['"]|['"]$/g, '')] = evaluate(p.getInitializerOrThrow(), where);
    }
    return out;
  }
  if (Node.isArrayLiteralExpression(node)) return node.getElements().map((e) => evaluate(e, where));
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isNumericLiteral(node)) return node.getLiteralValue();
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  if (Node.isAsExpression(node) || Node.isParenthesizedExpression(node)) return evaluate(node.getExpression(), where);
  throw new Error(`${where}: unsupported expression in a spec literal: ${node.getText()}`);
}
