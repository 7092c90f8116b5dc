import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Renderer } from './renderer.js';
import type { ActionDiagram } from './scenario-diagrams.js';
import { makeFolders } from '../core/make-folders.js';

/** Picture formats a diagram can be rendered to. */
export type PictureFormat = 'svg' | 'png';

/** Renders each distinct diagram once, however often it is asked for, and measures it. */
export class PictureCache {
  private readonly done = new Map<string, Promise<Buffer>>();
  rendered = 0;
  ms = 0;

  /** `onRendered(done, asked)` hears of each finished picture (for progress). */
  constructor(
    private readonly renderer: Renderer,
    private readonly onRendered: (done: number, asked: number) => void = () => {},
  ) {}

  picture(mermaid: string, format: PictureFormat): Promise<Buffer> {
    const key = `${format}\n${mermaid}`;
    let picture = this.done.get(key);
    if (!picture) {
      const started = performance.now();
      picture = this.renderer.render(mermaid, format).then((data) => {
        this.rendered++;
        this.ms += performance.now() - started;
        this.onRendered(this.rendered, this.done.size);
        return data;
      });
      this.done.set(key, picture);
    }
    return picture;
  }
}

/**
 * Gives a Mermaid SVG its natural size: Mermaid writes `width="100%"`, which leaves an `<img>` (or a browser
 * opening the file) to shrink it to whatever box it is in; the viewBox's width and height keep its text legible.
 */
export function withNaturalSize(svg: string): string {
  const root = /<svg\b[^>]*>/.exec(svg);
  const box = root && /viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/.exec(root[0]);
  if (!root || !box || !/\swidth="100%"/.test(root[0])) return svg;
  const sized = root[0].replace(/\swidth="100%"/, ` width="${box[1]}" height="${box[2]}"`);
  return svg.slice(0, root.index) + sized + svg.slice(root.index + root[0].length);
}

/** Writes `<name>.mmd` for each diagram and, with pictures, `<name>.<format>`; returns the files written. */
export async function writeDiagrams(dir: string, diagrams: ActionDiagram[], pictures?: PictureCache, formats: PictureFormat[] = ['svg']): Promise<string[]> {
  await makeFolders(dir);
  const written: string[] = [];
  for (const diagram of diagrams) {
    const base = join(dir, diagram.name);
    await writeFile(`${base}.mmd`, `%% ${diagram.title}\n${diagram.note ? `%% ${diagram.note}\n` : ''}${diagram.mermaid}`);
    written.push(`${base}.mmd`);
    for (const format of pictures ? formats : []) {
      const picture = await pictures!.picture(diagram.mermaid, format);
      await writeFile(`${base}.${format}`, format === 'svg' ? withNaturalSize(picture.toString('utf8')) : picture);
      written.push(`${base}.${format}`);
    }
  }
  return written;
}
