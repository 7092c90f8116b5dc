/** The bugs a test may plant to prove that `orderctl explore` finds them (never set in use). */
export const PLANTABLE_BUGS = {
  /** An order asked again with its Idempotency-Key is placed again, as a new order. */
  'fresh-answer-for-repeated-key': 'an order asked again with its Idempotency-Key is placed again',
  /** The customer's receipt of a cancelled order is answered 204, as if it were being delivered. */
  'receipt-after-cancel': "a cancelled order's receipt is answered 204",
} as const;

export type PlantableBug = keyof typeof PLANTABLE_BUGS;

/** Is this bug planted in this process (ORDERCTL_PLANTED_BUG, set only by the test that proves explore finds it)? */
export const planted = (bug: PlantableBug): boolean => process.env.ORDERCTL_PLANTED_BUG === bug;
