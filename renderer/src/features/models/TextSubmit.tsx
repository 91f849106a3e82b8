// One text field and its button as a form (a file's path to import, a URI to download): Enter or the
// button submits the trimmed text, never an empty one. The field's label is for screen readers; the
// card around it says what it is for.
import type { FormEvent, ReactNode } from 'react';
import { textInputClass } from '../../components/fields.tsx';
import { Button } from '../../components/ui.tsx';

export function TextSubmit({
  id,
  label,
  value,
  onChange,
  placeholder,
  onSubmit,
  busy,
  primary = false,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange(v: string): void;
  placeholder: string;
  onSubmit(text: string): void;
  /** The last submit is still being handled. */
  busy: boolean;
  primary?: boolean;
  /** The button's text. */
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onSubmit(value.trim());
  };
  return (
    <form onSubmit={submit} className="flex gap-2">
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        className={`min-w-0 flex-1 font-mono ${textInputClass}`}
      />
      <Button type="submit" variant={primary ? 'primary' : 'secondary'} disabled={!value.trim() || busy}>
        {children}
      </Button>
    </form>
  );
}
