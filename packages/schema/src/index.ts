/**
 * @cellwire/schema: every message method, defined once, and the domain types they carry.
 */
export { method } from './define.js';
export type {
  ArgsOf,
  Direction,
  MethodDef,
  MethodKind,
  MethodSpec,
  NeedResponse,
  ResultOf,
  RunLocally,
  Target,
} from './define.js';
export { methods } from './methods.js';
export type { MethodName, Methods } from './methods.js';
export type * from './types.js';
export type * from './args.js';
export type * from './wire.js';
