import type { Condition, RuleInput, StyleFigures } from './verdict.js';

/** The thresholds the rules use, in one place (the report states each in words). */
export const THRESHOLDS = {
  /** "Almost all": a share at least this high. */
  most: 0.9,
  /** "At least half". */
  half: 0.5,
  /** A share of an order's hops after its answer at most this counts as "inside the request". */
  inside: 0.1,
  /** The answer's slope must reach this fraction of the hops it waits through to be their sum. */
  slopeFactor: 0.8,
  /** A chain of at least this many waited-through hops is long. */
  chain: 3,
  /** A slowed service "slows the order" when it adds at least this fraction of its added latency. */
  slowed: 0.5,
  /** … and "does not slow it" when it adds less than this fraction. */
  unaffected: 0.25,
  /** Three billing instances "scale" when they take at least this many times the orders of one. */
  scaleGain: 1.2,
  /** An order that crosses the broker at least this many times is harder to follow (proxy). */
  messages: 3,
} as const;

/** A figure of a style; undefined when it was not measured (or rests on no sample). */
export function figureOf(style: StyleFigures, id: string): number | undefined {
  const value = style.figures[id];
  return value === undefined || style.samples[id] === 0 ? undefined : value;
}

const own = (input: RuleInput, id: string) => figureOf(input.own, id);
/** `85%`: a share for people. */
export const pct = (share: number) => `${Math.round(share * 100)}%`;
/** `3`, `4.61`, `182`: a figure for people. */
export const num = (n: number) => (Number.isInteger(n) ? String(n) : Math.abs(n) >= 10 ? n.toFixed(0) : n.toFixed(2));
const shown = (input: RuleInput, id: string, label: string, format: (n: number) => string) => {
  const value = own(input, id);
  return value === undefined ? `${label}: not measured` : `${label} ${format(value)}`;
};

/** A condition on one figure: `test` compares it with its threshold. */
export function on(id: string, says: string, label: string, test: (value: number, input: RuleInput) => boolean, format: (n: number) => string = num): Condition {
  return {
    says,
    test: (input) => {
      const value = own(input, id);
      return value === undefined ? undefined : test(value, input);
    },
    shows: (input) => shown(input, id, label, format),
  };
}

/** A condition on several figures at once; undefined when any of them was not measured. */
export function onAll(ids: string[], says: string, test: (values: number[], input: RuleInput) => boolean, shows: (values: (number | undefined)[], input: RuleInput) => string): Condition {
  return {
    says,
    test: (input) => {
      const values = ids.map((id) => own(input, id));
      return values.some((v) => v === undefined) ? undefined : test(values as number[], input);
    },
    shows: (input) => shows(ids.map((id) => own(input, id)), input),
  };
}

/** The style others are compared with: the all-REST one if it was run, else the other style with the shortest answer at no added latency. */
export function referenceOf(input: RuleInput, id: string): StyleFigures | undefined {
  const candidates = input.others.filter((o) => figureOf(o, id) !== undefined);
  return candidates.find((o) => o.traits.includes('all-rest')) ?? [...candidates].sort((a, b) => figureOf(a, id)! - figureOf(b, id)!)[0];
}

/** Each threshold in words, as the reports state it (never its bare name and number). */
export const THRESHOLD_WORDS: Record<keyof typeof THRESHOLDS, string> = {
  most: `"almost all" means at least ${pct(THRESHOLDS.most)}`,
  half: `"at least half" means ${pct(THRESHOLDS.half)} or more`,
  inside: `an order's story stays inside its request when at most ${pct(THRESHOLDS.inside)} of its hops end after the client has its answer`,
  slopeFactor: `the answer is "the sum of its hops" when each ms added to every hop lengthens it by at least ${THRESHOLDS.slopeFactor} ms per hop it waits through`,
  chain: `a chain of at least ${THRESHOLDS.chain} service hops before the answer is long`,
  slowed: `a slowed service slows the order when at least ${pct(THRESHOLDS.slowed)} of the latency added to it reaches the answer`,
  unaffected: `and it does not slow the order when less than ${pct(THRESHOLDS.unaffected)} does`,
  scaleGain: `three billing instances scale when they complete at least ${THRESHOLDS.scaleGain}× the orders per second of one (under the stated capacity)`,
  messages: `an order that crosses the broker at least ${THRESHOLDS.messages} times is harder to follow`,
};
