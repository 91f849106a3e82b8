// First run without a network: offer the demo model (a small Gemma 3 with random weights, made on
// this machine) so chat and the inspectors can be tried at once. Labelled for what it is.
import { useState } from 'react';
import { useApi } from '../../api/hooks.ts';
import { Button } from '../../components/ui.tsx';
import { errorMessage } from '../../../../electron/core/api/errors.ts';

export function DemoModelOffer() {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const model = await api.models.createDemo();
      await api.models.setActive({ id: model.id });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="mt-4 flex max-w-md flex-col items-center gap-2">
      <p className="text-[12.5px]">
        Offline? Make a demo model here: the real Gemma 3 architecture with <strong>random weights</strong> (about 6 MiB). Its answers are
        noise, but every inspector works on it.
      </p>
      <Button onClick={() => void create()} disabled={busy}>
        {busy ? 'Making the demo model…' : 'Create demo model (random weights)'}
      </Button>
      {error && (
        <p role="alert" className="text-[12.5px] text-red-700 dark:text-red-300">
          Could not create the demo model: {error}
        </p>
      )}
    </div>
  );
}
