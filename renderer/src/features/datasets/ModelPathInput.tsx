// A model file's path, typed or picked from the Gemma 3 models the app knows (useModelChoices): the
// tokenizer of Datasets' token statistics and the base model of Fine-tune. The caller's label wraps it.
import { useId } from 'react';
import { textInputClass } from '../../components/fields.tsx';

export function ModelPathInput({
  choices,
  value,
  onChange,
  placeholder,
  testId,
}: {
  choices: { path: string; name: string }[];
  value: string;
  onChange(path: string): void;
  placeholder: string;
  testId: string;
}) {
  const list = useId();
  return (
    <>
      <input
        list={list}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        className={`mt-0.5 w-full font-mono ${textInputClass}`}
        data-testid={testId}
      />
      <datalist id={list}>
        {choices.map((c) => (
          <option key={c.path} value={c.path}>
            {c.name}
          </option>
        ))}
      </datalist>
    </>
  );
}
