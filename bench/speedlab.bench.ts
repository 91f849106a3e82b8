// Does the app's speed lab report what `npm run bench engine` measures? Both time the same model on
// the same machine at 2 threads, in separate child processes, alternating rounds: the bench's own
// probe (bench/engine.bench.ts) and the speed lab's worker task (electron/core/speedlab/tasks.ts).
// Printed: each figure from both, their ratio, and the bench's own round-to-round spread, the noise
// any agreement is judged against.
// Env: GLASSBOX_BENCH_SPEEDLAB_MODEL=270m|mini (default 270m, Q8_0)  GLASSBOX_BENCH_ROUNDS=3
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureModel270m, ensureTestModels } from '../test-support/models.ts';

const ROUNDS = Number(process.env.GLASSBOX_BENCH_ROUNDS ?? 3);
const THREADS = 2;
type Figures = { prefillTokS: number; decodeTokS: number };

function child(file: string, env: Record<string, string>, prefix: string): Figures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith(prefix));
  if (r.status !== 0 || !line) throw new Error(`probe failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  const p = JSON.parse(line.slice(prefix.length)) as Figures;
  return { prefillTokS: p.prefillTokS, decodeTokS: p.decodeTokS };
}

const benchProbe = (which: 'llama' | 'engine', path: string) =>
  child(fileURLToPath(new URL('./engine.bench.ts', import.meta.url)), { GLASSBOX_ENGINE_PROBE: `${which}:${path}` }, 'PROBE ');
const labProbe = (which: 'llama' | 'engine', path: string) =>
  child(fileURLToPath(import.meta.url), { GLASSBOX_SPEEDLAB_PROBE: `${which}:${path}` }, 'SPEEDLAB ');

const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / Math.max(...xs);
const best = (xs: number[]) => Math.max(...xs);

export default async function bench(): Promise<void> {
  const which = process.env.GLASSBOX_BENCH_SPEEDLAB_MODEL ?? '270m';
  const path = which === 'mini' ? (await ensureTestModels()).miniQ8 : await ensureModel270m('Q8_0');
  console.log(
    `speed lab vs npm run bench, ${which} Q8_0, ${THREADS} threads, 128-token prefill, best of ${ROUNDS} alternating rounds; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const engine of ['llama', 'engine'] as const) {
    const b: Figures[] = [];
    const l: Figures[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      b.push(benchProbe(engine, path));
      l.push(labProbe(engine, path));
    }
    for (const k of ['prefillTokS', 'decodeTokS'] as const) {
      const bb = best(b.map((x) => x[k]));
      const ll = best(l.map((x) => x[k]));
      console.log(
        `${engine === 'llama' ? 'llama.cpp' : 'engine   '} ${k === 'prefillTokS' ? 'prefill' : 'decode '} tok/s  bench ${bb.toFixed(1).padStart(7)}  speed lab ${ll.toFixed(1).padStart(7)}  ratio ${(ll / bb).toFixed(2)}  (bench's own spread over rounds ${(spread(b.map((x) => x[k])) * 100).toFixed(0)}%)`,
      );
    }
  }
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

const probe = process.env.GLASSBOX_SPEEDLAB_PROBE;
if (probe) {
  const [which, ...rest] = probe.split(':');
  const modelPath = rest.join(':');
  const { speedEngineTasks, speedModelTasks } = await import('../electron/core/speedlab/tasks.ts');
  const ctx = { signal: new AbortController().signal, emit: () => {} };
  const input = { modelPath, promptLengths: [128], decodeTokens: 16 };
  const r =
    which === 'llama'
      ? await speedModelTasks.speedLlama({ ...input, config: { engine: 'llama.cpp', backend: 'cpu', threads: THREADS } }, ctx)
      : await speedEngineTasks.speedEngine({ ...input, config: { engine: 'glassbox', backend: 'cpu', threads: THREADS } }, ctx);
  console.log(`SPEEDLAB ${JSON.stringify({ prefillTokS: r.prefill[0].tokensPerSecond, decodeTokS: r.decodeTokensPerSecond })}`);
  process.exit(0);
}
