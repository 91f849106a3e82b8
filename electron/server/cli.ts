// `npm run serve -- [--port N] [--host ADDR] [--db FILE] [--data-dir DIR] [--models-dir DIR] [--token T] [--allow-host NAME] [--test-mode]`
// Prints the URL to open, and one machine-readable line for scripts and tests:
//   GLASSBOX_READY {"url":"http://127.0.0.1:…/?token=…","port":…,"token":"…","pid":…}
import { parseArgs } from 'node:util';
import { startHost } from './host.ts';

const usage = `usage: npm run serve -- [options]
  --port N          port to listen on (0 = any free port; default 0)
  --host ADDR       interface to bind (default 127.0.0.1; anything else exposes Glassbox to the network —
                    prefer an SSH tunnel: ssh -L 8080:127.0.0.1:8080 gpu-box)
  --allow-host NAME accept this name in Host/Origin headers too (repeatable)
  --db FILE         SQLite database (default: GLASSBOX_DB or <data dir>/glassbox.db)
  --data-dir DIR    data folder (default: GLASSBOX_DATA_DIR or the OS's per-user app data folder)
  --models-dir DIR  model folder (default: GLASSBOX_MODELS_DIR or <data dir>/models)
  --token T         use this token instead of a random one (tests)
  --test-mode       enable test-only methods and tools (as GLASSBOX_TEST=1 does)`;

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-host': { type: 'string', multiple: true },
      db: { type: 'string' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      token: { type: 'string' },
      'test-mode': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0..65535, got ${JSON.stringify(args.port)}`);
  process.exit(2);
}
if (args.token !== undefined && args.token.length < 8) {
  console.error('--token must be at least 8 characters');
  process.exit(2);
}

const host = await startHost({
  port,
  host: args.host,
  token: args.token,
  dbPath: args.db,
  dataDir: args['data-dir'],
  modelsDir: args['models-dir'],
  allowedHosts: args['allow-host'],
  // undefined leaves the default: GLASSBOX_TEST=1
  testMode: args['test-mode'] ? true : undefined,
});

console.log(`Glassbox is running. Open:\n\n  ${host.url}\n`);
console.log(`database: ${host.core.paths.dbPath}`);
if (args.host !== '127.0.0.1' && args.host !== 'localhost' && args.host !== '::1') {
  console.log(`warning: bound to ${args.host}; anyone who can reach this port and knows the token can use Glassbox`);
}
console.log(
  `GLASSBOX_READY ${JSON.stringify({ url: host.url, origin: host.origin, port: host.port, token: host.token, pid: process.pid })}`,
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: shutting down`);
  await host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
