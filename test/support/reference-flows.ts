import type { FlowItem } from '../../src/variants/variant.js';

/**
 * Lays the expected flow out in the order the recording shows, wherever concurrency allows it;
 * the result equals `recorded` exactly when the recording follows the flow.
 */
export function arrange(expected: FlowItem[], recorded: string[]): string[] {
  const out: string[] = [];
  for (const item of expected) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const all = item.par.flat();
    const window = recorded.slice(out.length, out.length + all.length);
    const consistent = item.par.every((branch) => window.filter((h) => branch.includes(h)).join('\n') === branch.join('\n'));
    out.push(...(consistent && window.length === all.length ? window : all));
  }
  return out;
}
