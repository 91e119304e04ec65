/**
 * The vocabulary of the method table. Each entry of `methods` (methods.ts) is one
 * `method<Args, Result>({...})`: the type arguments are the argument and result types,
 * the object literal is the routing spec. tools/codegen reads both with ts-morph, so
 * the literal must stay a plain literal (no spreads, no computed values).
 */

/** How a message travels: to one named cell, to every cell in one direction, or either (chosen by an optional `cell_name`). */
export type MethodKind = 'targeted' | 'broadcast' | 'targeted_or_broadcast';

/** `up` goes to parents, `down` to children. Responses travel the other way. */
export type Direction = 'up' | 'down';

/**
 * Whether the origin waits for an answer: fixed, or read from a boolean argument
 * (`{ arg: 'call', default: false }`; `negate: true` for `do_cast`, where true means "do not wait").
 */
export type NeedResponse = boolean | { readonly arg: string; readonly negate?: boolean; readonly default: boolean };

/** Whether a broadcast also runs in the cell that sends it: fixed, or read from an argument. */
export type RunLocally = boolean | { readonly arg: string; readonly default: boolean };

/**
 * How the target cell is chosen:
 * - `none`: broadcasts;
 * - `{ arg: 'cell_name' }`: an explicit path argument (`optional: true` makes it a broadcast when absent);
 * - `{ arg: 'instance.cell_name' }`: the instance's cell (empty: nothing is sent);
 * - `{ neighbours: 'children' | 'parents' }`: one message to each neighbour on that side.
 */
export type Target =
  | 'none'
  | { readonly arg: string; readonly optional?: boolean }
  | { readonly neighbours: 'children' | 'parents' };

/** The routing spec of one method. */
export interface MethodSpec {
  readonly kind: MethodKind;
  readonly direction: Direction;
  readonly needResponse: NeedResponse;
  readonly target: Target;
  /** Broadcasts only. */
  readonly runLocally?: RunLocally;
  /** Deliver to every service instance of the next cell. */
  readonly fanout?: boolean;
  /** The handler runs only in a cell with no parents; elsewhere it answers null. */
  readonly topOnly?: boolean;
  /** The message sent on the wire has another method name (e.g. tell_parents_our_capabilities sends update_capabilities). */
  readonly sends?: string;
  /** Handled by @cellwire/core itself (neighbour state, responses): not part of CellHandlers. */
  readonly builtin?: boolean;
  /** Only ever received from another cell: no client stub (e.g. update_capabilities). */
  readonly internal?: boolean;
}

/** A method declaration: the spec, branded with its argument and result types. */
export type MethodDef<Args, Result> = MethodSpec & {
  readonly __args?: Args;
  readonly __result?: Result;
};

/** Declare one method. The type arguments are read by the generator; the spec is data. */
export function method<Args, Result>(spec: MethodSpec): MethodDef<Args, Result> {
  return spec as MethodDef<Args, Result>;
}

/** Argument type of a declared method. */
export type ArgsOf<M> = M extends MethodDef<infer A, unknown> ? A : never;
/** Result type of a declared method. */
export type ResultOf<M> = M extends MethodDef<unknown, infer R> ? R : never;
