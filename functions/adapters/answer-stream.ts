import { responseSk } from './table/keys.ts';

/**
 * What the answer counter receives from the table's stream: the creation of a response item, i.e.
 * an assignment's first answer. Edits modify the item and are not delivered. The stack's event
 * source mapping and the embedded cloud's local stream are both built from this one description.
 */
export const ANSWER_STREAM = {
  eventName: 'INSERT',
  /** Attribute and prefix of the sort keys delivered (`RESPONSE#<assignment>`). */
  sortKey: 'SK',
  sortKeyPrefix: responseSk(''),
  /** Records per invocation, and how long the mapping gathers them before invoking. */
  batchSize: 100,
  maxBatchingWindowSeconds: 1,
} as const;
