import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A chart that could not be drawn from its spec. */
export class ChartRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChartRenderError';
  }
}

/** Draws a Vega-Lite spec to an SVG document, headless in Node (no browser, no canvas: Vega's `none` renderer). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  let view: View | undefined;
  try {
    view = new View(parse(compile(spec).spec), { renderer: 'none' });
    return await view.toSVG();
  } catch (error) {
    throw new ChartRenderError(`could not draw the chart "${typeof spec.title === 'string' ? spec.title : 'untitled'}": ${(error as Error).message}`, { cause: error });
  } finally {
    view?.finalize();
  }
}
