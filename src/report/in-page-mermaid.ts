import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { escapeHtml as escape } from './text.js';

/** The name of Mermaid's browser script beside a page whose diagrams have no pictures. */
export const MERMAID_SCRIPT = 'mermaid.min.js';

/** Copies Mermaid's browser bundle (the pinned `mermaid` package) into a report folder: its page then draws the diagrams itself. */
export async function copyMermaidScript(dir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  await copyFile(require.resolve(`mermaid/dist/${MERMAID_SCRIPT}`), join(dir, MERMAID_SCRIPT));
}

/** A diagram's body: its rendered picture (a link to it), or its Mermaid text for the page to draw (and to read, where scripts are off). */
export function diagramBody(mermaid: string, alt: string, picture?: string): string {
  return picture
    ? `<div class="pic"><a href="${escape(picture)}" title="open the picture"><img src="${escape(picture)}" alt="${escape(alt)}"></a></div>`
    : `<div class="pic"><pre class="mermaid" title="${escape(alt)}">${escape(mermaid)}</pre></div>`;
}

/**
 * The scripts that draw a page's Mermaid texts in the browser, at their natural width; only what is shown
 * (a hidden tab or a folded section is measured wrongly), the rest when a tab or a section opens.
 */
export const MERMAID_PAGE_SCRIPT = `<script src="${MERMAID_SCRIPT}"></script>
<script>(function(){if(!window.mermaid)return;
var wide={useMaxWidth:false};mermaid.initialize({startOnLoad:false,securityLevel:'strict',theme:'default',sequence:wide,flowchart:wide,state:wide});
function shown(e){return e.offsetParent!==null&&!e.closest('details:not([open])')}
function draw(){var n=[].filter.call(document.querySelectorAll('pre.mermaid:not([data-processed])'),shown);if(n.length)mermaid.run({nodes:n})}
draw();document.addEventListener('change',draw);document.addEventListener('toggle',draw,true);})();</script>`;
