/**
 * A small service for core's own tests and the transport conformance suite: enough to
 * exercise targeted calls and casts, broadcasts both ways, errors and deadlines, without
 * any Nova method.
 */
// @ts-nocheck

import { method, type JsonValue } from '@cellwire/core';

/** The test service: three methods. */
export const service = { name: 'test_service', version: '1.0.0' } as const;

/** What a test asks a handler to do. */
export interface Behaviour {
  /** Throw an error of this class name (an application error, like the reference's TestingException). */
  fail?: string;
  /** Answer after this many milliseconds. */
  delay_ms?: number;
}

export interface EchoArgs extends Behaviour {
  /** Path of the cell to run in. */
  cell_name: string;
  text: string;
  /** Wait for the answer (default true). */
  call?: boolean;
}

export interface GatherArgs {
  /** Per cell short name, what its handler does. */
  behaviour?: { [cell: string]: Behaviour };
  /** Run in the sending cell too (default true). */
  run_locally?: boolean;
  /** Free-form payload, carried as is. */
  payload?: { [key: string]: JsonValue };
}

export interface NoteArgs {
  text: string;
}

export const methods = {
  /** Runs in one named cell; answers `<text>@<routing path>` (or fails as asked). */
  echo: method<EchoArgs, string>({
    kind: 'targeted',
    direction: 'down',
    needResponse: { arg: 'call', default: true },
    target: { arg: 'cell_name' },
  }),

  /** Runs in every cell below (and here unless run_locally is false); each answers its routing path. */
  gather: method<GatherArgs, string>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: { arg: 'run_locally', default: true },
    target: 'none',
  }),

  /** A cast up the tree to every ancestor: each records the note. */
  note: method<NoteArgs, null>({
    kind: 'broadcast',
    direction: 'up',
    needResponse: false,
    runLocally: false,
    target: 'none',
  }),
} as const;
