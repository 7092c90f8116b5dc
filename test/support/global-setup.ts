import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The CLI tests run the built `bin/orderctl`: build it once, from the sources under test. */
export default function setup(): void {
  const root = join(import.meta.dirname, '../..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
