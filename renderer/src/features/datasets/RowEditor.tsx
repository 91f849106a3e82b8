// Edits one row: optional system text, the user prompt and the answer the model should learn.
// (Multi-turn rows keep their earlier turns; only the last exchange is edited here.)
import { useState } from 'react';
import type { DatasetMessage, DatasetRowData } from '../../../../electron/core/api/datasets.ts';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';

export function RowEditor({
  row,
  onSave,
  onCancel,
}: {
  row: DatasetRowData | null;
  onSave(m: DatasetMessage[], split: 'train' | 'validation'): void;
  onCancel(): void;
}) {
  const msgs = row?.messages ?? [];
  const earlier = msgs.slice(0, -2).filter((m) => m.role !== 'system');
  const [system, setSystem] = useState(msgs.find((m) => m.role === 'system')?.content ?? '');
  const [prompt, setPrompt] = useState(msgs.at(-2)?.content ?? '');
  const [answer, setAnswer] = useState(msgs.at(-1)?.content ?? '');
  const [split, setSplit] = useState<'train' | 'validation'>(row?.split ?? 'train');
  const empty = answer.trim() === '' || prompt.trim() === '';
  return (
    <form
      data-testid="row-editor"
      className="m-3 space-y-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        if (empty) return;
        onSave(
          [
            ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
            ...earlier,
            { role: 'user', content: prompt },
            { role: 'assistant', content: answer },
          ],
          split,
        );
      }}
    >
      <label className="block text-[12px] font-medium">
        System (optional)
        <input value={system} onChange={(e) => setSystem(e.target.value)} className={`mt-0.5 w-full ${textInputClass}`} />
      </label>
      <label className="block text-[12px] font-medium">
        Prompt
        <textarea
          aria-label="Prompt"
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          rows={2}
          className={`mt-0.5 w-full ${textInputClass}`}
        />
      </label>
      <label className="block text-[12px] font-medium">
        Answer (what the model learns)
        <textarea
          aria-label="Answer"
          value={answer}
          onChange={(e) => setAnswer(e.target.value)}
          rows={3}
          className={`mt-0.5 w-full ${textInputClass}`}
        />
      </label>
      <div className="flex items-center gap-2">
        <select aria-label="Split" value={split} onChange={(e) => setSplit(e.target.value as 'train')} className={textInputClass}>
          <option value="train">train</option>
          <option value="validation">validation</option>
        </select>
        {empty && <span className="text-[12px] text-amber-700">A row needs a prompt and a non-empty answer.</span>}
        <div className="ml-auto flex gap-2">
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={empty}>
            Save row
          </Button>
        </div>
      </div>
    </form>
  );
}
