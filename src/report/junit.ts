import { XMLBuilder } from 'fast-xml-parser';
import type { VariantResult } from '../system/run-variants.js';
import { failuresOf, repeatsText } from './failures.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/**
 * A run as JUnit XML, the report CI servers read: one test suite per style, one test case per scenario
 * (its time the median over repeats), and for a scenario that did not hold a failure per broken step,
 * saying which step, what was expected, what was seen and why.
 */
export function junitXml(results: VariantResult[], meta: { date: string }): string {
  const failures = failuresOf(results);
  const suites = results.map((r) => {
    const cases = r.scenarios.map((s) => {
      const broken = failures.filter((f) => f.variant === r.variant && f.scenario === s.name);
      return {
        '@_classname': `orderctl.${r.variant}`,
        '@_name': s.name,
        '@_time': seconds(s.ms),
        ...(broken.length
          ? {
              failure: broken.map((f) => ({
                '@_type': 'expectation',
                '@_message': `step ${f.index} ${f.title}: ${f.problems.join('; ')}${f.of > 1 ? ` (${repeatsText(f)})` : ''}`,
                '#text': [`step ${f.index} ${f.title}`, `expected: ${f.expected}`, `seen: ${f.seen || '–'}`, ...f.problems.map((p) => `problem: ${p}`)].join('\n'),
              })),
            }
          : {}),
        'system-out': s.title,
      };
    });
    return {
      '@_name': r.variant,
      '@_tests': r.scenarios.length,
      '@_failures': r.scenarios.filter((s) => !s.passed).length,
      '@_errors': 0,
      '@_time': seconds(r.ms),
      '@_timestamp': meta.date,
      testcase: cases,
    };
  });
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
  const body = builder.build({
    testsuites: {
      '@_name': 'orderctl run',
      '@_tests': suites.reduce((n, s) => n + s['@_tests'], 0),
      '@_failures': suites.reduce((n, s) => n + s['@_failures'], 0),
      '@_time': seconds(results.reduce((n, r) => n + r.ms, 0)),
      testsuite: suites,
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
