// Gradients: the loss of a target after a prompt, pushed back through the model. Per-layer and
// per-tensor gradient norms, the residual stream's gradient norm per layer (vanishing or exploding,
// log scale), gradient × input per prompt token, and where learning stalls (saturation flags).
import { useEffect, useState } from 'react';
import type { AdapterChoice, GradientResult } from '../../../../../electron/core/api/inspect.ts';
import { useApi } from '../../../api/hooks.ts';
import { Button } from '../../../components/ui.tsx';
import { textInputClass } from '../../../components/fields.tsx';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { HeatStrip } from '../../../components/charts/HeatStrip.tsx';
import { SeriesChart } from '../../../components/charts/SeriesChart.tsx';
import { JobStatus, PromptBox, Td, Th } from '../Controls.tsx';
import { layerName, num, pct } from '../format.ts';
import { useJob } from '../useJob.ts';

/** `opened`: a stored run to show (from Recent runs or the URL); `onFinished`: a new run was computed and stored. */
export function GradientsTab({
  modelPath,
  adapter = null,
  opened,
  onFinished,
}: {
  modelPath: string;
  /** the LoRA adapter the gradients are taken through (null: the base model) */
  adapter?: AdapterChoice | null;
  opened: GradientResult | null;
  onFinished(r: GradientResult): void;
}) {
  const api = useApi();
  const job = useJob<GradientResult>();
  const [prompt, setPrompt] = useState('The capital of France is');
  const [target, setTarget] = useState(' Paris');
  const [r, setR] = useState<GradientResult | null>(null);
  const [showAll, setShowAll] = useState(false);
  useEffect(() => {
    if (!opened) return;
    setR(opened);
    setPrompt(opened.prompt);
    setTarget(opened.target);
  }, [opened]);
  const go = async () => {
    const res = await job.start(() => api.inspect.gradients({ modelPath, prompt, target, ...(adapter ? { adapter } : {}) }));
    if (res) {
      setR(res);
      onFinished(res);
    }
  };
  const flaggedGelu = r?.gelu.filter((g) => g.flagged) ?? [];
  const flaggedHeads = r?.heads.filter((h) => h.flagged) ?? [];
  const tensors = r ? [...r.perTensor].sort((a, b) => b.gradNorm - a.gradNorm) : [];

  return (
    <div className="space-y-4">
      <div className="grid gap-3 md:grid-cols-[2fr_1fr]">
        <PromptBox label="Prompt" value={prompt} onChange={setPrompt} testId="grad-prompt" rows={2} />
        <label className="block space-y-1">
          <span className="text-[12.5px] font-medium text-zinc-700 dark:text-zinc-300">Target (empty: every next token of the prompt)</span>
          <input
            data-testid="grad-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            className={`w-full font-mono ${textInputClass}`}
          />
        </label>
      </div>
      <Button variant="primary" onClick={go} disabled={!modelPath.trim() || !prompt || job.state === 'running'}>
        Compute gradients
      </Button>
      <JobStatus job={job} label="Computing gradients" testId="grad-job" />
      {r && (
        <>
          <p className="text-[13px]" data-testid="grad-loss" data-loss={r.loss}>
            Loss <span className="font-mono font-semibold">{r.loss.toFixed(4)}</span> nats over {r.lossPositions.length} target token
            {r.lossPositions.length === 1 ? '' : 's'}
            {r.adapter && (
              <span className="font-medium text-accent-700 dark:text-accent-400" data-testid="grad-adapter">
                {' '}
                · with adapter {r.adapter.name} × {r.adapter.scale}
              </span>
            )}
            <span className="text-zinc-500">
              {' '}
              · forward {r.timing.forwardMs.toFixed(0)} ms, backward {r.timing.backwardMs.toFixed(0)} ms
            </span>
          </p>
          <div className="grid gap-4 xl:grid-cols-2">
            <ChartFrame
              title="Gradient norm of the residual stream"
              description="‖dL/dx‖ after each block, log scale. Falling toward the input: vanishing; growing: exploding."
              name="grad-residual"
              csv={() => [['layer', 'residual_grad_norm'], ...r.residualNorm.map((v, i) => [layerName(i - 1), v])]}
            >
              <SeriesChart
                kind="line"
                log
                testId="grad-residual"
                label="Residual gradient norm per layer"
                labels={r.residualNorm.map((_, i) => layerName(i - 1))}
                series={[{ name: '‖dL/dx‖', values: r.residualNorm }]}
                yLabel="‖dL/dx‖"
              />
            </ChartFrame>
            <ChartFrame
              title="Gradient norm per layer"
              description="L2 norm of all of a block's weight gradients, log scale. Amber: a saturation flag in that layer."
              name="grad-per-layer"
              csv={() => [['layer', 'grad_norm'], ...r.perLayer.map((v, l) => [l, v])]}
            >
              <SeriesChart
                kind="bar"
                log
                testId="grad-per-layer"
                label="Weight gradient norm per layer"
                labels={r.perLayer.map((_, l) => `L${l}`)}
                series={[{ name: '‖dL/dW‖', values: r.perLayer }]}
                highlight={[...new Set([...flaggedGelu.map((g) => g.layer), ...flaggedHeads.map((h) => h.layer)])]}
                yLabel="‖dL/dW‖"
              />
            </ChartFrame>
          </div>
          <ChartFrame
            title="Attribution: gradient × input per token"
            description="Σ x·dL/dx at each token's embedding: red pushed the loss up, blue pushed it down. Target tokens are included (they feed later predictions)."
            name="grad-attribution"
            csv={() => [
              ['position', 'token_id', 'token', 'grad_x_input', 'grad_norm'],
              ...r.attribution.map((a) => [a.position, a.token, r.tokens[a.position].text, a.gradXInput, a.gradNorm]),
            ]}
          >
            <HeatStrip
              testId="grad-attribution"
              label="Gradient times input per token"
              tokens={r.tokens.map((t) => t.text)}
              values={r.attribution.map((a) => a.gradXInput)}
            />
          </ChartFrame>
          <ChartFrame title="Saturation flags" description="Places where learning silently stops." name="grad-flags">
            <ul className="space-y-2 text-[12.5px]" data-testid="grad-flags">
              {flaggedGelu.length === 0 && flaggedHeads.length === 0 && (
                <li className="text-zinc-500">No saturated GELU layers or collapsed heads on this prompt.</li>
              )}
              {flaggedGelu.map((g) => (
                <li
                  key={`g${g.layer}`}
                  className="rounded-md bg-amber-50 px-3 py-2 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:ring-amber-500/30"
                  data-flag="gelu"
                  data-layer={g.layer}
                >
                  <b>Layer {g.layer} MLP</b>: {pct(g.flatFraction)} of GELU inputs in the flat region, {g.deadUnits.length}
                  {g.deadUnits.length >= 64 ? '+' : ''} units flat at every token.
                  <div className="mt-0.5 text-zinc-600 dark:text-zinc-400">{r.explanations.geluFlat}</div>
                </li>
              ))}
              {flaggedHeads.map((h) => (
                <li
                  key={`h${h.layer}.${h.head}`}
                  className="rounded-md bg-amber-50 px-3 py-2 ring-1 ring-amber-200 dark:bg-amber-500/10 dark:ring-amber-500/30"
                  data-flag="head"
                  data-layer={h.layer}
                >
                  <b>
                    Layer {h.layer} head {h.head}
                  </b>
                  : mean attention entropy {h.meanEntropy.toFixed(3)} nats.
                  <div className="mt-0.5 text-zinc-600 dark:text-zinc-400">{r.explanations.lowEntropyHead}</div>
                </li>
              ))}
            </ul>
          </ChartFrame>
          <ChartFrame
            title="Per-tensor gradient norms"
            description="ratio = ‖dL/dW‖ / ‖W‖: the relative size of one plain gradient step at learning rate 1."
            name="grad-per-tensor"
            csv={() => [
              ['tensor', 'layer', 'numel', 'grad_norm', 'weight_norm', 'ratio'],
              ...r.perTensor.map((t) => [t.name, t.layer, t.numel, t.gradNorm, t.weightNorm, t.ratio]),
            ]}
            json={() => r}
          >
            <table className="w-full max-w-3xl" data-testid="grad-tensors">
              <thead>
                <tr>
                  <Th>tensor</Th>
                  <Th right>‖dL/dW‖</Th>
                  <Th right>‖W‖</Th>
                  <Th right>ratio</Th>
                </tr>
              </thead>
              <tbody>
                {(showAll ? tensors : tensors.slice(0, 15)).map((t) => (
                  <tr key={t.name} className="border-t border-zinc-100 dark:border-zinc-800" data-tensor={t.name}>
                    <Td mono>{t.name}</Td>
                    <Td right mono>
                      {num(t.gradNorm)}
                    </Td>
                    <Td right mono>
                      {num(t.weightNorm)}
                    </Td>
                    <Td right mono>
                      {num(t.ratio)}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </table>
            {tensors.length > 15 && (
              <Button variant="ghost" className="mt-2" onClick={() => setShowAll((v) => !v)}>
                {showAll ? 'Show the top 15' : `Show all ${tensors.length}`}
              </Button>
            )}
          </ChartFrame>
        </>
      )}
    </div>
  );
}
