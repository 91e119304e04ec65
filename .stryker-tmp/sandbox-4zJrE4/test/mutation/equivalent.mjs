/**
 * Surviving mutants that cannot change behaviour (equivalent mutants), with the reason for
 * each. test/mutation/run.mjs matches a survivor by file, mutator, replacement and the source
 * text it replaced (and, when given, a line near `line`), and lists it in MUTATION.md with its
 * reason instead of as an unexplained survivor. Keep one entry per mutant, with a one-line reason.
 */
// @ts-nocheck

export const EQUIVALENT = [];
