/**
 * The cell-state service (reference 1.3): how cells tell their parents what they can do and
 * how much room they have. A cell serves it with `serve(cellState, cellStateHandlers())`
 * beside its other services; core itself knows none of these names.
 */
import { method } from '@cellwire/core';
import type * as A from '../args.js';

/** Capabilities and capacities travelling up the tree. */
export const service = { name: 'cell_state', version: '1.0.0' } as const;

export const methods = {
  /**
   * Ask every child cell to send its capabilities: one `announce_capabilities` message per
   * child, to which each child answers with its own `tell_parents_our_capabilities`.
   */
  ask_children_for_capabilities: method<A.AskChildrenForCapabilitiesArgs, null>({
    kind: 'local',
    direction: 'down',
    needResponse: false,
    target: 'none',
  }),

  /**
   * Ask every child cell to send its capacities: one `announce_capacities` message per
   * child, to which each child answers with its own `tell_parents_our_capacities`.
   */
  ask_children_for_capacities: method<A.AskChildrenForCapacitiesArgs, null>({
    kind: 'local',
    direction: 'down',
    needResponse: false,
    target: 'none',
  }),

  /**
   * Send this cell's capabilities (its own plus those of its children that are not mute)
   * to every parent as `update_capabilities`, delivered to every service of the parent.
   * Does nothing in a cell without parents.
   */
  tell_parents_our_capabilities: method<A.TellParentsOurCapabilitiesArgs, null>({
    kind: 'local',
    direction: 'up',
    needResponse: false,
    target: 'none',
  }),

  /**
   * Send this cell's capacities (its own plus the sum over its children) to every parent
   * as `update_capacities`, delivered to every service of the parent.
   * Does nothing in a cell without parents.
   */
  tell_parents_our_capacities: method<A.TellParentsOurCapacitiesArgs, null>({
    kind: 'local',
    direction: 'up',
    needResponse: false,
    target: 'none',
  }),

  /**
   * A child cell's capabilities (sent by its `tell_parents_our_capabilities`): store them
   * for that child, then cascade with this cell's own `tell_parents_our_capabilities`.
   * `cell_name` must be the child that sent the message: a cell speaks only for itself.
   */
  update_capabilities: method<A.UpdateCapabilitiesArgs, null>({
    kind: 'targeted',
    direction: 'up',
    needResponse: false,
    target: 'none',
    fanout: true,
    internal: true,
  }),

  /**
   * A child cell's capacities (sent by its `tell_parents_our_capacities`): store them for
   * that child, then cascade with this cell's own `tell_parents_our_capacities`.
   * `cell_name` must be the child that sent the message.
   */
  update_capacities: method<A.UpdateCapacitiesArgs, null>({
    kind: 'targeted',
    direction: 'up',
    needResponse: false,
    target: 'none',
    fanout: true,
    internal: true,
  }),

  /** The parent asks for capabilities (its `ask_children_for_capabilities`): run `tell_parents_our_capabilities`. */
  announce_capabilities: method<A.AnnounceCapabilitiesArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: 'none',
    internal: true,
  }),

  /** The parent asks for capacities (its `ask_children_for_capacities`): run `tell_parents_our_capacities`. */
  announce_capacities: method<A.AnnounceCapacitiesArgs, null>({
    kind: 'targeted',
    direction: 'down',
    needResponse: false,
    target: 'none',
    internal: true,
  }),
} as const;
