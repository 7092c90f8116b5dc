import { existsSync } from 'node:fs';

/** Renders Mermaid text to pictures in one shared headless Chromium. */
export interface Renderer {
  render(mermaid: string, format: 'svg' | 'png'): Promise<Buffer>;
  close(): Promise<void>;
}

/** One line for when there is no browser to render with. */
export const NO_CHROMIUM =
  'no Chromium found, so only the .mmd files were written (a report page draws them itself in the browser): apt-get install chromium (or set PUPPETEER_EXECUTABLE_PATH) to get SVG and PNG';

/** The system's Chromium: PUPPETEER_EXECUTABLE_PATH when set (and only there), else where Debian and others put it. */
export function findChromium(): string | undefined {
  const named = process.env.PUPPETEER_EXECUTABLE_PATH;
  const candidates = named ? [named] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((path) => existsSync(path));
}

/** Flags for a headless Chromium on a closed network, as root. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches the renderer (puppeteer and mermaid-cli are loaded only now), or undefined when no Chromium is installed. */
export async function openRenderer(): Promise<Renderer | undefined> {
  const executablePath = findChromium();
  if (!executablePath) return undefined;
  const [puppeteer, { renderMermaid }] = await Promise.all([import('puppeteer'), import('@mermaid-js/mermaid-cli')]);
  // orderctl handles signals itself (and closes the browser): puppeteer must not exit the process first.
  const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  return {
    render: async (mermaid, format) => Buffer.from((await renderMermaid(browser, mermaid, format, { backgroundColor: 'white', mermaidConfig: { theme: 'default' } })).data),
    close: () => browser.close(),
  };
}

/**
 * Opens the renderer with `track` told at once how to close it, even while Chromium is still starting:
 * an interrupt then waits for the start and closes it (no browser or profile folder left behind).
 */
export function openTrackedRenderer(track: (open: { close(): Promise<void> }) => void): Promise<Renderer | undefined> {
  const opening = openRenderer();
  track({ close: async () => (await opening.catch(() => undefined))?.close() });
  return opening;
}
