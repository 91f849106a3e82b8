// Task table of the "docs" worker kind: text extraction from untrusted files, one process per file
// (./runner.ts starts it, enforces the timeout and kills it afterwards).
import { defineTasks, TaskError } from '../workers/task.ts';
import { DocError } from './errors.ts';
import { extractFile } from './extract.ts';
import type { ExtractInput } from './types.ts';

export const docsTasks = defineTasks({
  extractDocument: async (input: ExtractInput) => {
    try {
      return await extractFile(input);
    } catch (err) {
      // The reason travels in front of the message ("encrypted: …"); the runner splits it off again.
      if (err instanceof DocError) throw new TaskError('bad_input', `${err.reason}: ${err.message}`);
      throw err;
    }
  },
  /** Test-only: a document whose extraction never ends (the runner's timeout must kill it). */
  hangForTest: () => {
    if (process.env.GLASSBOX_TEST !== '1') throw new TaskError('unavailable', 'hangForTest is a test-only task');
    for (;;) {
      // A busy loop, like a hostile PDF spinning PDF.js: no await, so no cancel message gets in.
    }
  },
});

export const tasks = docsTasks;
export type DocsTasks = typeof docsTasks;
