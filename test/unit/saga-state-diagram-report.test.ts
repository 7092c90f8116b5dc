import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Renderer } from '../../src/diagrams/renderer.js';
import { reportHtml } from '../../src/report/report-html.js';
import { writeRunReport } from '../../src/report/run-report.js';
import { summaryMarkdown } from '../../src/report/summary-markdown.js';
import { escapeHtml } from '../../src/report/text.js';
import { sagaStateDiagram } from '../../src/services/ordering/order-saga.js';
import type { VariantResult } from '../../src/system/run-variants.js';
import { Recorder } from '../../src/tracing/recorder.js';

const result: VariantResult = { variant: 'http', passed: true, ms: 1000, repeats: 1, scenarios: [], actions: [] };
const meta = { broker: 'in-process', date: '2026-12-05T00:00:00.000Z' };
const dirs: string[] = [];
const folder = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'saga-report-')));
  return dirs[dirs.length - 1];
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("summary.md carries the saga's lifecycle as a mermaid block, generated from the state machine", () => {
  const md = summaryMarkdown([result], meta);
  expect(md).toContain("## The order saga's lifecycle\n\nGenerated from the state machine in the code");
  expect(md).toContain(`\`\`\`mermaid\n${sagaStateDiagram()}\`\`\``);
});

test("index.html shows the saga's lifecycle: its Mermaid text (for the page to draw) without pictures, the rendered picture with them", () => {
  const text = reportHtml([result], {}, meta);
  expect(text).toContain(`<h2 id="saga">The order saga's lifecycle</h2>\n<p>Generated from the state machine in the code`);
  expect(text).toContain(`<pre class="mermaid" title="The order saga's lifecycle">${escapeHtml(sagaStateDiagram())}</pre>`);
  expect(text).toContain('<script src="mermaid.min.js"></script>');
  expect(text.indexOf('id="saga"')).toBeLessThan(text.indexOf('id="diagrams"'));

  const pictured = reportHtml([result], {}, meta, 'svg');
  expect(pictured).toContain('<img src="saga-lifecycle.svg"');
  expect(pictured).not.toContain(escapeHtml(sagaStateDiagram()));
  expect(pictured).not.toContain('mermaid.min.js');
});

test('the report folder holds the state diagram as .mmd and, with a renderer, as the .svg the page shows', async () => {
  const asked: string[] = [];
  const renderer: Renderer = {
    render: async (mermaid) => {
      asked.push(mermaid);
      return Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="100%"></svg>');
    },
    close: async () => {},
  };
  const dir = folder();
  await writeRunReport(dir, [{ result, recorder: new Recorder() }], meta, renderer);
  expect(readFileSync(join(dir, 'saga-lifecycle.mmd'), 'utf8')).toBe(`%% The order saga's lifecycle\n${sagaStateDiagram()}`);
  expect(asked).toContain(sagaStateDiagram());
  expect(readFileSync(join(dir, 'saga-lifecycle.svg'), 'utf8')).toContain('<svg');
  expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<img src="saga-lifecycle.svg"');
  expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(sagaStateDiagram());

  const plain = folder();
  await writeRunReport(plain, [{ result, recorder: new Recorder() }], meta);
  expect(readFileSync(join(plain, 'index.html'), 'utf8')).toContain(`${escapeHtml(sagaStateDiagram())}</pre>`);
  // The page draws it with the Mermaid script beside it.
  expect(readFileSync(join(plain, 'mermaid.min.js'), 'utf8')).toContain('mermaid');
});
