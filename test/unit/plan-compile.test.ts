import { describe, expect, test } from 'vitest';
import { MODULES } from '../../src/services/modules.js';
import { compilePlan, PlanRefused, type PlannedWay, type WayDeclaration } from '../../src/system/plan.js';
import { planOf } from '../../src/system/links/index.js';
import { variants } from '../../src/variants/index.js';

const http = variants.find((v) => v.name === 'http')!;
/** http's own ways, plus `extra` as one more link. */
const withWay = (extra: WayDeclaration) => () => [...planOf(http).ways, { link: 'extra', way: 'test', declaration: extra } satisfies PlannedWay];
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanRefused) return error.message;
    throw error;
  }
  throw new Error('the plan was not refused');
};

describe('a style compiled into its plan refuses what its ways and services cannot do together', () => {
  test('the built-in styles compile, and every port a service needs is given by exactly one way', () => {
    for (const variant of variants) {
      const plan = planOf(variant);
      expect(plan.services.gateway.ports).toEqual(['commands']);
      expect(plan.services.notification.ports).toContain('recipient');
    }
  });

  test('one port given by two ways', () => {
    expect(refusal(() => compilePlan(http, withWay({ ports: { order: ['requestPayment'] } }), MODULES))).toContain("order's port requestPayment is given by payment already: one port, one way");
  });

  test('a port a service needs that no way gives', () => {
    const without = () => planOf(http).ways.filter((w) => w.link !== 'recipient');
    expect(refusal(() => compilePlan(http, without, MODULES))).toContain('notification needs its port recipient and no way in this style gives it');
  });

  test('a domain event a service raises that no way carries', () => {
    const contracts = { ...MODULES, stock: { raises: ['ReservationMade', 'ShelfDusted'] } };
    expect(refusal(() => compilePlan(http, () => planOf(http).ways, contracts))).toContain('stock raises ShelfDusted and nothing in this style carries it');
  });

  test("a way's own refusal names its field, before anything else is merged", () => {
    expect(refusal(() => compilePlan(http, withWay({ refuses: [{ field: 'links.extra', reason: 'cannot work here' }] }), MODULES))).toBe('variant http: links.extra: cannot work here');
  });
});
