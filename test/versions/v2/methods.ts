/**
 * Version 1.1.0 of the small service of the mixed-version tree (test/mixed-version.test.ts):
 * v1/methods.ts plus one optional argument on `hello` (`shout`) and one method (`farewell`).
 * Compatible with 1.0.0: `cellwire-codegen diff test/versions/v1/methods.ts test/versions/v2/methods.ts`.
 */
import { method } from '@cellwire/core';

/** Greetings between cells, one minor version on. */
export const service = { name: 'greeter', version: '1.1.0' } as const;

export interface HelloArgs {
  /** Path of the cell to greet; absent: every cell below (and this one). */
  cell_name?: string;
  /** Who says hello. */
  name: string;
  /** New in 1.1.0: answer in capitals. */
  shout?: boolean;
}

export interface ReportArgs {
  /** Carried as is. */
  note?: string;
}

export interface FarewellArgs {
  /** Path of the cell to say goodbye to; absent: every cell below (and this one). */
  cell_name?: string;
  /** Who says goodbye. */
  name: string;
}

export const methods = {
  /** Greets one named cell, or every cell below when no cell_name is given. */
  hello: method<HelloArgs, string>({
    kind: 'targeted_or_broadcast',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name', optional: true },
  }),

  /** Runs in every cell above (and this one); each answers its routing path. */
  report: method<ReportArgs, string>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),

  /** New in 1.1.0: says goodbye to one named cell, or to every cell below when no cell_name is given. */
  farewell: method<FarewellArgs, string>({
    kind: 'targeted_or_broadcast',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name', optional: true },
  }),
} as const;
