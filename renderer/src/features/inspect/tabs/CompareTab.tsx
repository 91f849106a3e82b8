// Two prompts through the same model, side by side: residual norms, next-token predictions, and
// how similar their residual streams are at each layer.
import { useState } from 'react';
import type { AdapterChoice, CompareResult, InspectRun } from '../../../../../electron/core/api/inspect.ts';
import { useApi } from '../../../api/hooks.ts';
import { Button } from '../../../components/ui.tsx';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { Heatmap } from '../../../components/charts/Heatmap.tsx';
import { SeriesChart } from '../../../components/charts/SeriesChart.tsx';
import { JobStatus, PromptBox } from '../Controls.tsx';
import { layerName } from '../format.ts';
import { useJob } from '../useJob.ts';
import { TopList } from './ActivationsTab.tsx';

export function CompareTab({ modelPath, adapter = null }: { modelPath: string; adapter?: AdapterChoice | null }) {
  const api = useApi();
  const job = useJob<CompareResult>();
  const [a, setA] = useState('The movie was wonderful and I');
  const [b, setB] = useState('The movie was terrible and I');
  const [result, setResult] = useState<CompareResult | null>(null);
  const go = async () => {
    const r = await job.start(() => api.inspect.compare({ modelPath, promptA: a, promptB: b, topK: 10, ...(adapter ? { adapter } : {}) }));
    if (r) setResult(r);
  };
  return (
    <div className="space-y-4">
      <div className="grid gap-3 md:grid-cols-2">
        <PromptBox label="Prompt A" value={a} onChange={setA} testId="compare-a" rows={2} />
        <PromptBox label="Prompt B" value={b} onChange={setB} testId="compare-b" rows={2} />
      </div>
      <Button variant="primary" onClick={go} disabled={!modelPath.trim() || !a || !b || job.state === 'running'}>
        Compare
      </Button>
      <JobStatus job={job} label="Comparing" testId="compare-job" />
      {result && (
        <>
          <ChartFrame
            title="Similarity of the two residual streams per layer"
            description="Cosine similarity of the last token's residual, and of the mean over tokens."
            name="compare-similarity"
            csv={() => [
              ['layer', 'cosine_last', 'cosine_mean'],
              ...result.similarity.map((s) => [layerName(s.layer), s.cosineLast, s.cosineMean]),
            ]}
          >
            <SeriesChart
              kind="line"
              testId="compare-similarity"
              label="Cosine similarity per layer"
              labels={result.similarity.map((s) => layerName(s.layer))}
              series={[
                { name: 'last token', values: result.similarity.map((s) => s.cosineLast) },
                { name: 'mean', values: result.similarity.map((s) => s.cosineMean) },
              ]}
              yLabel="cosine"
            />
          </ChartFrame>
          <div className="grid gap-4 xl:grid-cols-2">
            <Side run={result.a} name="A" />
            <Side run={result.b} name="B" />
          </div>
        </>
      )}
    </div>
  );
}

function Side({ run, name }: { run: InspectRun; name: string }) {
  const rowLabels = run.layerStats.map((s) => layerName(s.layer));
  return (
    <div className="min-w-0 space-y-3">
      <ChartFrame title={`${name}: residual stream norm`} name={`compare-${name}-residual`} json={() => run}>
        <Heatmap
          testId={`compare-heatmap-${name}`}
          label={`Residual norms of prompt ${name}`}
          values={run.residualNorms.flat()}
          rows={run.residualNorms.length}
          cols={run.tokens.length}
          rowLabels={rowLabels}
          colLabels={run.tokens.map((t) => t.text)}
          maxWidth={560}
        />
      </ChartFrame>
      <ChartFrame title={`${name}: next token`} name={`compare-${name}-next`}>
        <TopList tokens={run.next.slice(0, 6)} testId={`compare-next-${name}`} />
      </ChartFrame>
    </div>
  );
}
