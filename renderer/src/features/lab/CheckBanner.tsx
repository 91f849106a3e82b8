// On the inspectors' own screens: when the stored check of this model file found our engine
// disagreeing with llama.cpp, say so, so no one reads a wrong number as a finding.
import type { StoredCheck } from '../../../../electron/core/api/lab.ts';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/hooks.ts';
import { queryKeys } from '../../api/query.ts';

export function CheckBanner({ modelPath }: { modelPath: string }) {
  const api = useApi();
  const check = useQuery<StoredCheck | null>({
    queryKey: [...queryKeys.labChecks, modelPath],
    queryFn: () => (modelPath ? api.lab.latestCheck({ path: modelPath }) : Promise.resolve(null)),
  });
  const c = check.data;
  if (!c || c.ok) return null;
  const ff = c.result.verdict.firstFailure;
  return (
    <div
      role="alert"
      data-testid="check-banner"
      className="mx-6 mt-3 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-900 ring-1 ring-red-200 dark:bg-red-950/40 dark:text-red-200 dark:ring-red-900"
    >
      <strong>These numbers may be wrong.</strong> The last check of this model ({new Date(c.createdAt).toLocaleString()}) found our engine
      disagreeing with llama.cpp
      {ff ? ` (prompt ${ff.prompt + 1}, position ${ff.position})` : ''}, beyond what {c.quantization} rounding explains. See Lab → Check
      this model.
    </div>
  );
}
