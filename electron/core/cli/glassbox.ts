// `npm run glassbox -- <command> [options]`: the engine's command line for tinkerers and scripts.
// Each command lives in ./commands/<name>.ts and exports `run(args: string[]): Promise<void>` and `summary`.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage } from '../api/errors.ts';

interface Command {
  summary: string;
  run(args: string[]): Promise<void>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

async function loadCommands(): Promise<Map<string, Command>> {
  const commands = new Map<string, Command>();
  for (const file of readdirSync(commandsDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as Command;
    commands.set(file.replace(/\.ts$/, ''), mod);
  }
  return commands;
}

const [name, ...args] = process.argv.slice(2);
const commands = await loadCommands();
const command = name ? commands.get(name) : undefined;
if (!command) {
  console.error(name ? `unknown command: ${name}\n` : '');
  console.error('usage: npm run glassbox -- <command> [options]\n\ncommands:');
  for (const [n, c] of commands) console.error(`  ${n.padEnd(10)} ${c.summary}`);
  process.exit(name ? 2 : 0);
}
try {
  await command.run(args);
} catch (err) {
  console.error(`glassbox ${name}: ${errorMessage(err)}`);
  process.exit(1);
}
