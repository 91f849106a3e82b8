// npm run make-models [-- --270m] [--seed N] [--out DIR]
// Generates the synthetic Gemma 3 test models (nano, mini F32/F16/Q8_0, and rv-small F32/Q8_0 with the
// real Gemma 3 vocabulary) into .cache/models/ and prints how long each took. With --270m it also writes
// the random model with Gemma 3 270M's exact shapes and real vocabulary (F32 ≈ 1.07 GB and
// Q8_0 ≈ 0.29 GB), for benchmarks; it is never committed.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, generateGemma3, modelFileName, type GenerateOptions } from '../test-support/synth/index.ts';
import { MODELS_DIR } from '../test-support/models.ts';

const { values } = parseArgs({
  options: {
    '270m': { type: 'boolean', default: false },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    out: { type: 'string', default: MODELS_DIR },
    force: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
mkdirSync(values.out!, { recursive: true });

const jobs: GenerateOptions[] = [
  { preset: 'nano', weightType: 'F32', seed },
  { preset: 'mini', weightType: 'F32', seed },
  { preset: 'mini', weightType: 'F16', seed },
  { preset: 'mini', weightType: 'Q8_0', seed },
  { preset: 'rv-small', weightType: 'F32', seed },
  { preset: 'rv-small', weightType: 'Q8_0', seed },
];
if (values['270m']) {
  jobs.push({ preset: 'gemma3-270m', weightType: 'F32', seed }, { preset: 'gemma3-270m', weightType: 'Q8_0', seed });
}

let total = 0;
for (const job of jobs) {
  const path = join(values.out!, modelFileName(job));
  if (existsSync(path) && !values.force) {
    console.log(`cached     ${path}`);
    continue;
  }
  const ms = generateGemma3(path, job);
  total += ms;
  const mb = statSync(path).size / 1e6;
  console.log(`${(ms / 1000).toFixed(2).padStart(7)} s  ${mb.toFixed(1).padStart(8)} MB  ${path}`);
}
console.log(`generated in ${(total / 1000).toFixed(2)} s`);
