// Gemma 3 models the app knows (the engine's models folder and the library), for the tokenizer picker.
import { useEffect, useState } from 'react';
import { useApi } from '../../api/hooks.ts';

export const MODEL_KEY = 'glassbox.finetune.modelPath';

export function useModelChoices(): { choices: { path: string; name: string }[]; modelPath: string; setModelPath(p: string): void } {
  const api = useApi();
  const [modelPath, setModelPathState] = useState(() => localStorage.getItem(MODEL_KEY) ?? '');
  const [choices, setChoices] = useState<{ path: string; name: string }[]>([]);
  const setModelPath = (p: string) => {
    localStorage.setItem(MODEL_KEY, p);
    setModelPathState(p);
  };
  useEffect(() => {
    void (async () => {
      const found: { path: string; name: string }[] = [];
      try {
        found.push(...(await api.inspect.models({})));
      } catch {
        /* no models folder yet */
      }
      try {
        for (const m of await api.models.list({}))
          if (m.architecture === 'gemma3' && !found.some((f) => f.path === m.path)) found.push({ path: m.path, name: m.name });
      } catch {
        /* library unavailable */
      }
      setChoices(found);
      if (!localStorage.getItem(MODEL_KEY) && found[0]) setModelPath(found[0].path);
    })();
  }, [api]);
  return { choices, modelPath, setModelPath };
}
