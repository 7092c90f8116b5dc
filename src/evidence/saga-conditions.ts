import { figureOf, num, on, onAll, pct, THRESHOLDS as T } from './conditions.js';
import { completedWithout } from './experiments/parts-stopped.js';
import { BACKEND } from './trace-figures.js';
import type { Condition } from './verdict.js';

/** G3: no service but the broker is a single point of failure; the shown text names those that are. */
export const noSinglePoint: Condition = {
  ...on(
    'singlePoints',
    `no part but the broker is a single point of failure: each service behind the gateway, stopped while orders are placed, still lets at least ${pct(T.half)} of them complete once it is back (the gateway, the client's entry, is not stopped)`,
    'single points of failure:',
    (v) => v === 0,
  ),
  shows: (input) => {
    const count = figureOf(input.own, 'singlePoints');
    if (count === undefined) return 'single points of failure: not measured';
    const named = BACKEND.filter((s) => (figureOf(input.own, completedWithout(s)) ?? 1) < T.half);
    const broker = figureOf(input.own, completedWithout('broker'));
    return `single points of failure: ${num(count)}${named.length ? ` (${named.map((s) => `${s}: ${pct(figureOf(input.own, completedWithout(s))!)} completed`).join(', ')})` : ''}${broker === undefined ? '' : `; without the broker ${pct(broker)} completed`}`;
  },
};

/** G3: consistent after every stop. */
export const consistentAfterStops = on('partsStoppedConsistent', 'everything is consistent once each part is back (money, final orders, the sagas\' histories, one notification per order, stock)', 'consistent after every stop:', (v) => v === 1, (v) => (v === 1 ? 'yes' : 'no'));

/** G4: a cancel is undone by every service that did a part; the shown text says what it took. */
export const cancelReaches = onAll(
  ['cancelReachedShare', 'cancelServices', 'cancelMessages', 'cancelRestCalls'],
  'a cancel reaches every service that did a part of the saga: in every cancelled saga, each step done is undone (refund, release, return, as applicable)',
  ([reached]) => reached === 1,
  ([r, s, m, c]) => `${r === undefined ? '?' : pct(r)} undone wherever a step was done; per cancel ${s === undefined ? '?' : num(s)} services, ${m === undefined ? '?' : num(m)} messages, ${c === undefined ? '?' : num(c)} REST calls`,
);

/** G4: the undos are declared in one place (one shared channel). */
export const undoInOnePlace = onAll(
  ['undoPlaces', 'undoHops'],
  'the style declares its undos in at most one place (one shared channel): at most one link carries compensating calls or messages',
  ([places]) => places <= 1,
  ([p, h]) => `links that declare an undo: ${p === undefined ? '?' : num(p)} (${h === undefined ? '?' : num(h)} undoing calls or message types)`,
);
