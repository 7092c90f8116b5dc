import type { ActionDiagram } from '../diagrams/scenario-diagrams.js';
import { sagaStateDiagram } from '../services/ordering/order-saga.js';
import { diagramBody } from './in-page-mermaid.js';
import { escapeHtml as escape } from './text.js';

/** The title of the report's section on the order saga. */
export const SAGA_TITLE = "The order saga's lifecycle";

/** The one sentence under the title. */
export const SAGA_SENTENCE =
  'Generated from the state machine in the code (SAGA in src/services/ordering/order-saga.ts): every state an order of the saga goes through, and what each way to cancelled undoes.';

/** The saga's state diagram as the report writes it: `saga-lifecycle.mmd` (and `.svg`) in the report folder. */
export const sagaDiagram = (): ActionDiagram => ({ name: 'saga-lifecycle', index: 0, title: SAGA_TITLE, mermaid: sagaStateDiagram() });

/** The section in summary.md: title, sentence, the diagram as a ```mermaid block. */
export function sagaMarkdown(): string[] {
  return [`## ${SAGA_TITLE}`, '', SAGA_SENTENCE, '', '```mermaid', sagaDiagram().mermaid.trimEnd(), '```', ''];
}

/** The section in index.html: the rendered picture, or the Mermaid text the page draws when there are no pictures. */
export function sagaHtml(picture?: 'svg'): string {
  const { name, mermaid } = sagaDiagram();
  const body = diagramBody(mermaid, SAGA_TITLE, picture && `${name}.${picture}`);
  return `<h2 id="saga">${escape(SAGA_TITLE)}</h2>
<p>${escape(SAGA_SENTENCE)}</p>
<figure class="fig"><figcaption>created → paid → reserved → delivering → done, or cancelled with what is undone<a class="src" href="${name}.mmd">Mermaid source</a></figcaption>
${body}</figure>`;
}
