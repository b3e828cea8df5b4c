/** `npm run bench -- <name>`: runs bench/<name>.ts, which prints its figure and the ratio to its reference. */
import { existsSync, readdirSync } from 'node:fs';

const name = process.argv[2];
const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f))
  .map((f) => f.slice(0, -3));
if (!name || !existsSync(`${here}/${name}.ts`) || ['run', 'lib'].includes(name)) {
  console.error(`usage: npm run bench -- <name>   (one of: ${available.join(', ')})`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`./${name}.ts`);
