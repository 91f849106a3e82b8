// The datasets' task of the engine worker: token statistics with the model's own tokenizer (building
// a 262,144-token tokenizer and encoding thousands of rows would stall the host), with progress, and
// cancellable between chunks of rows.
import { defineTasks, TaskError } from '../workers/task.ts';
import { tokenStatsAsync, type TokenStats } from './prepare.ts';
import type { RowMessages } from './rows.ts';
import { modelTokenizer } from './tokenizer.ts';

export interface DatasetStatsInput {
  modelPath: string;
  maxLength: number;
  rows: { id: string; messages: RowMessages }[];
}

export interface DatasetStatsOutput {
  stats: TokenStats;
  /** which tokenizer counted them (tokenizer.ts tokenizerFingerprint) */
  fingerprint: string;
}

export const datasetTasks = defineTasks({
  datasetStats: async (input: DatasetStatsInput, ctx): Promise<DatasetStatsOutput> => {
    ctx.emit({ progress: null, message: 'reading the tokenizer' });
    let tok;
    try {
      tok = modelTokenizer(input.modelPath);
    } catch (e) {
      throw new TaskError('bad_input', `cannot read the model's tokenizer: ${(e as Error).message}`);
    }
    const stats = await tokenStatsAsync(input.rows, tok.tokenize, input.maxLength, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.emit({ progress: done / total, message: `${done} of ${total} rows` }),
    });
    return { stats, fingerprint: tok.fingerprint };
  },
});
