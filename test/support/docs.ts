// Reads README.md and docs/*.md as the tests of their examples need them: fenced blocks, commands, links, headings.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(import.meta.dirname, '../..');

/** Every page a reader is sent to: the README and docs/*.md (relative to the repository). */
export const PAGES: readonly string[] = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

export const readPage = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** A fenced block: its page, the line its fence opens on, its info string split (`sh`, `yaml`, `text file=walk.txt`), its text. */
export interface Block {
  page: string;
  line: number;
  lang: string;
  attrs: Record<string, string>;
  text: string;
}

export function blocksOf(page: string): Block[] {
  const blocks: Block[] = [];
  let open: { line: number; info: string; lines: string[] } | undefined;
  readPage(page)
    .split('\n')
    .forEach((line, i) => {
      const fence = /^```(.*)$/.exec(line);
      if (!open && fence) open = { line: i + 1, info: fence[1].trim(), lines: [] };
      else if (open && line === '```') {
        const [lang = '', ...rest] = open.info.split(/\s+/).filter(Boolean);
        const attrs = Object.fromEntries(rest.map((a) => a.split('=') as [string, string]));
        blocks.push({ page, line: open.line, lang, attrs, text: open.lines.join('\n') + '\n' });
        open = undefined;
      } else open?.lines.push(line);
    });
  if (open) throw new Error(`${page}:${open.line}: a fenced block that never closes`);
  return blocks;
}

export const allBlocks = (): Block[] => PAGES.flatMap(blocksOf);

/** The page's text outside fenced blocks (and outside inline code), where links and headings are. */
export function prose(page: string): string {
  return readPage(page)
    .split(/^```.*$/m)
    .filter((_, i) => i % 2 === 0)
    .join('\n');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to dashes. */
export const slug = (heading: string) =>
  heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');

/** The anchors a page's headings give, with GitHub's -1, -2 … for repeats. */
export function anchorsOf(page: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of prose(page).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n ? `${base}-${n}` : base);
  }
  return anchors;
}

/** One command of a shell block, continuation lines joined, comments and redirections dropped, split into words. */
export interface Command {
  block: Block;
  source: string;
  words: string[];
}

/** Splits a command line into words, keeping quoted parts together (quotes removed). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

export function commandsOf(block: Block): Command[] {
  const joined = block.text.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const source = line.replace(/\s+#\s.*$/, '').replace(/\s*&$/, '');
      // Redirections (`> file`, `2>&1`) are the shell's, not the command's.
      const all = words(source);
      const kept: string[] = [];
      for (let i = 0; i < all.length; i++) {
        if (/^\d?>>?$/.test(all[i]) || all[i] === '<') i++;
        else if (!/^\d?>/.test(all[i])) kept.push(all[i]);
      }
      return { block, source, words: kept };
    });
}

/** Every command of every `sh` block of every page. */
export const allCommands = (): Command[] => allBlocks().filter((b) => b.lang === 'sh').flatMap(commandsOf);

/** The words after `orderctl` when the command runs orderctl (`npx orderctl`, `node bin/orderctl`, after VAR=value assignments), else undefined. */
export function orderctlArgs(command: Command): string[] | undefined {
  let w = command.words;
  while (w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[0])) w = w.slice(1);
  if (w[0] === 'npx' && w[1] === 'orderctl') return w.slice(2);
  if (w[0] === 'orderctl') return w.slice(1);
  if (w[0] === 'node' && w[1] === 'bin/orderctl') return w.slice(2);
  return undefined;
}

/** A YAML block's document, and what it is: a scenario (it has steps) or a style (it has commands and links). */
export function yamlKind(block: Block): { doc: Record<string, unknown>; kind: 'scenario' | 'style' | 'other' } {
  const doc = parse(block.text) as Record<string, unknown>;
  const kind = doc && typeof doc === 'object' && 'steps' in doc ? 'scenario' : doc && typeof doc === 'object' && 'commands' in doc && 'links' in doc ? 'style' : 'other';
  return { doc, kind };
}

/** Where a block is, for messages. */
export const at = (block: Block) => `${block.page}:${block.line}`;

/** A line of output with what changes from run to run masked: numbers, ids, and runs of spaces (columns widen with their figures). */
export const masked = (line: string) =>
  line
    .replace(/\b[0-9a-f]{8}-[0-9a-f-]*/g, '<id>')
    .replace(/\d[\d,.]*\s*(ms|s)\b/g, '<time>')
    .replace(/\d[\d,.]*/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
