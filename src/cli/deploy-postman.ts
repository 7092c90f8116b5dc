import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_BASE_URL, postmanCollection } from '../deploy/postman.js';
import { loadScenarios } from '../scenarios/load.js';
import { scenariosDirOption, selectVariants, variantOption, variantsDirOption } from './options.js';

interface PostmanOptions {
  variant: string;
  scenariosDir: string;
  out: string;
  json?: boolean;
}

/** `orderctl deploy postman`: the scenarios the public API can carry, as a Postman collection with the style's expectations as tests. */
export function postmanCommand(): Command {
  return new Command('postman')
    .description("export the scenarios as a Postman collection (v2.1) whose tests assert the style's expectations; newman runs it against any deployment")
    .addOption(variantOption(false, 'hybrid'))
    .addOption(variantsDirOption())
    .addOption(scenariosDirOption())
    .option('--out <file>', 'where to write the collection', 'orderctl.postman_collection.json')
    .option('--json', 'print what was exported and what was left out as JSON')
    .addHelpText(
      'after',
      `
The expectations differ between styles (an order answered 201 or 202): export the collection of the style
the system runs; its first request checks that the gateway's health names that style.
A scenario with a step the public API cannot carry (a fault, a crowd, its own catalog, an expired token)
is left out, and the command says which and why.

Exit codes: 0 written, 2 usage error.

Examples:
  $ orderctl deploy postman --variant hybrid --out hybrid.postman_collection.json
  $ newman run hybrid.postman_collection.json                                       # ${DEFAULT_BASE_URL}
  $ newman run hybrid.postman_collection.json --env-var baseUrl=http://arch.homework`,
    )
    .action(async (options: PostmanOptions) => {
      const [variant] = selectVariants(options.variant);
      const exported = await postmanCollection(variant, await loadScenarios(options.scenariosDir));
      await writeFile(options.out, `${JSON.stringify(exported.collection, null, 2)}\n`);
      if (options.json) return void process.stdout.write(`${JSON.stringify({ file: options.out, variant: variant.name, included: exported.included, leftOut: exported.leftOut }, null, 2)}\n`);
      const requests = exported.included.reduce((n, s) => n + s.requests, 0);
      process.stdout.write(`wrote ${options.out}: ${exported.included.length} scenario(s) of ${variant.name}, ${requests} request(s) with tests (${exported.included.map((s) => s.scenario).join(', ') || 'none'})\n`);
      if (exported.leftOut.length) {
        process.stdout.write(`left out ${exported.leftOut.length}, with the step the public API cannot carry:\n`);
        for (const l of exported.leftOut) process.stdout.write(`  ${l.scenario} (step ${l.step}): ${l.reason}\n`);
      }
      process.stdout.write(`\nRun it: newman run ${options.out} --env-var baseUrl=${DEFAULT_BASE_URL}\n`);
    });
}
