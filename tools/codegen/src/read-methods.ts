/**
 * Reads a service's methods.ts with ts-morph: `export const service = { name, version }`,
 * and per entry of `export const methods = { ... }` its name, doc comment, the presence of
 * `method<Args, Result>(...)` type arguments and the spec literal, evaluated as plain data.
 * Types are not read here: json-schema.ts resolves them through the compiler.
 */
import path from 'node:path';
import { Node, Project, SyntaxKind, type Expression, type SourceFile } from 'ts-morph';
import type { MethodSpec } from '@cellwire/core';
import { camelCase, type MethodModel, type ServiceModel } from './model.js';

const KINDS = ['targeted', 'broadcast', 'targeted_or_broadcast', 'local'];

export function readMethods(methodsFile: string, project = new Project({ skipAddingFilesFromTsConfig: true })): ServiceModel {
  const file = path.resolve(methodsFile);
  const source = project.addSourceFileAtPath(file);
  const info = readService(source);
  return { file, ...info, methods: readTable(source) };
}

function readService(source: SourceFile): { name: string; version: string; doc: string } {
  const where = source.getFilePath();
  const decl = source.getVariableDeclaration('service');
  if (!decl) throw new Error(`${where}: no 'export const service = { name: "...", version: "1.0.0" }'`);
  let init = decl.getInitializerOrThrow();
  if (Node.isAsExpression(init) || Node.isSatisfiesExpression(init)) init = init.getExpression();
  const value = evaluate(init, `${where}:${decl.getStartLineNumber()}`) as { name?: unknown; version?: unknown };
  if (typeof value.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(value.name)) throw new Error(`${where}: service.name must be a snake_case string`);
  if (typeof value.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(value.version)) throw new Error(`${where}: service.version must be MAJOR.MINOR.PATCH`);
  const stmt = decl.getVariableStatement();
  const doc = stmt ? docOf(stmt.getLeadingCommentRanges().map((r) => r.getText())) : '';
  return { name: value.name, version: value.version, doc };
}

function readTable(source: SourceFile): MethodModel[] {
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
    const doc = docOf(prop.getLeadingCommentRanges().map((r) => r.getText()));
    if (!doc) throw new Error(`${where}: '${wire}' has no doc comment`);
    const spec = evaluate(specNode as Expression, where) as MethodSpec;
    checkSpec(spec, `${where}: '${wire}'`);
    return { wire, camel: camelCase(wire), doc, spec };
  });
}

/** The spec errors the compiler cannot see (it is data to it). */
function checkSpec(spec: MethodSpec, where: string): void {
  if (!KINDS.includes(spec.kind)) throw new Error(`${where}: kind must be one of ${KINDS.join(', ')}`);
  if (spec.direction !== 'up' && spec.direction !== 'down') throw new Error(`${where}: direction must be 'up' or 'down'`);
  const targetedKinds = spec.kind === 'targeted' || spec.kind === 'targeted_or_broadcast';
  // Internal methods are sent by handlers with an explicit route, so they may name no target.
  if (targetedKinds && spec.target === 'none' && !spec.internal) throw new Error(`${where}: a ${spec.kind} method needs target: { arg: '...' }`);
  if (!targetedKinds && spec.target !== 'none') throw new Error(`${where}: a ${spec.kind} method takes target: 'none'`);
}

function docOf(comments: string[]): string {
  return comments
    .filter((t) => t.startsWith('/**'))
    .map(cleanDoc)
    .join('\n')
    .trim();
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
