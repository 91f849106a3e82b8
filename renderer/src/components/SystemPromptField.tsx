// The system prompt box, as chat settings and each compare configuration show it: a labelled textarea
// and the note on how Gemma takes a system prompt (it has no system role).
import { useId } from 'react';

export function SystemPromptField({
  value,
  onChange,
  onBlur,
  rows = 5,
  maxLength = 20_000,
  note = true,
}: {
  value: string;
  onChange(text: string): void;
  /** Chat saves on blur; compare keeps the text in its form state. */
  onBlur?(): void;
  rows?: number;
  maxLength?: number;
  /** The note on Gemma's missing system role (once per screen is enough). */
  note?: boolean;
}) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">
        System prompt
      </label>
      <textarea
        id={id}
        value={value}
        rows={rows}
        maxLength={maxLength}
        placeholder="e.g. You are a concise assistant."
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        className="w-full resize-y rounded-md bg-white px-2.5 py-2 text-[13px] ring-1 ring-zinc-300 outline-none focus:ring-2 focus:ring-accent-500 dark:bg-zinc-900 dark:ring-zinc-700"
      />
      {note && (
        <p className="text-[11.5px] text-zinc-500 dark:text-zinc-400">
          Gemma has no system role: it is put before the first user message, as Gemma's chat template does.
        </p>
      )}
    </div>
  );
}
