import { input, select } from '@inquirer/prompts';
import { AppError } from '../core/errors.js';

/** One option of a question. */
export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
}

/** How the walk asks its questions: at a terminal, or from a script of answers. */
export interface Asker {
  select<T extends string>(message: string, choices: Choice<T>[]): Promise<T>;
  text(message: string, fallback?: string): Promise<string>;
}

/** Thrown when a script has no answers left: the walk ends there. */
export class ScriptEnded extends Error {}

/** Prompts at the terminal (@inquirer/prompts). */
export const terminalAsker = (): Asker => ({
  select: (message, choices) => select({ message, choices, pageSize: 22, loop: false }),
  text: (message, fallback) => input({ message, default: fallback }),
});

/**
 * Plays answers from a script, one per line (lines starting with `#` are comments): a choice is named by
 * its value or the start of its name; an empty line takes the default. Each answer is echoed like a prompt.
 */
export function scriptAsker(script: string, echo: (line: string) => void): Asker {
  const lines = script
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .map((l) => l.replace(/\s+#.*$/, '').trim());
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  let next = 0;
  const take = () => {
    if (next >= lines.length) throw new ScriptEnded();
    return lines[next++];
  };
  return {
    async select(message, choices) {
      const answer = take();
      const wanted = answer.toLowerCase();
      const choice = choices.find((c) => c.value === answer) ?? choices.find((c) => c.name.toLowerCase().startsWith(wanted));
      if (!choice) throw new AppError('USAGE', `script line ${next}: "${answer}" is not an answer to "${message}" (one of: ${choices.map((c) => c.value).join(', ')})`);
      echo(`? ${message} ${choice.name}`);
      return choice.value;
    },
    async text(message, fallback) {
      const answer = take() || fallback || '';
      echo(`? ${message} ${answer}`);
      return answer;
    },
  };
}
