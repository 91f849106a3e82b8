// Entry point of a worker process: `worker-main.ts --kind model|engine`.
import { runWorker } from './runtime.ts';
import { workerKinds, type WorkerKind } from './tasks/index.ts';

const at = process.argv.indexOf('--kind');
const kind = (at >= 0 ? process.argv[at + 1] : undefined) ?? '';
if (!Object.hasOwn(workerKinds, kind)) {
  console.error(`worker-main: unknown --kind "${kind}"; expected one of ${Object.keys(workerKinds).join(', ')}`);
  process.exit(2);
}
runWorker(await workerKinds[kind as WorkerKind]());
