// Prompt in, tokens as chips, the residual-stream norm heatmap (layer × token) and per-layer statistics.
import type { TokenKind, InspectRun } from '../../../../../electron/core/api/inspect.ts';
import { Button } from '../../../components/ui.tsx';
import { Heatmap } from '../../../components/charts/Heatmap.tsx';
import { ChartFrame } from '../../../components/charts/ChartFrame.tsx';
import { JobStatus, PromptBox, Td, Th } from '../Controls.tsx';
import { downloadJson } from '../export.ts';
import { layerName, num, pct } from '../format.ts';
import { TokenChips } from '../TokenChips.tsx';
import type { JobView } from '../useJob.ts';
import { TokenLabel, tokenKindName, tokenLabel } from '../TokenLabel.tsx';

export function ActivationsTab({
  modelPath,
  prompt,
  setPrompt,
  onRun,
  job,
  run,
  position,
  setPosition,
}: {
  modelPath: string;
  prompt: string;
  setPrompt(v: string): void;
  onRun(): void;
  job: JobView<InspectRun>;
  run: InspectRun | null;
  position: number | null;
  setPosition(p: number): void;
}) {
  const rowLabels = run ? run.layerStats.map((s) => layerName(s.layer)) : [];
  return (
    <div className="space-y-4">
      <div className="space-y-2">
        <PromptBox label="Prompt" value={prompt} onChange={setPrompt} testId="inspect-prompt" placeholder="Any text; up to 2048 tokens" />
        <div className="flex items-center gap-2">
          <Button variant="primary" onClick={onRun} disabled={!modelPath.trim() || !prompt || job.state === 'running'}>
            Inspect
          </Button>
          {run && (
            <Button variant="ghost" onClick={() => downloadJson(run, 'inspect-run')}>
              Export run (JSON)
            </Button>
          )}
          {run && (
            <span className="text-[12px] text-zinc-500" data-testid="inspect-timing">
              {run.tokens.length} tokens · forward {(run.timing.forwardMs / 1000).toFixed(2)} s · total{' '}
              {(run.timing.totalMs / 1000).toFixed(2)} s
            </span>
          )}
        </div>
        <JobStatus job={job} label="Inspecting" testId="inspect-job" />
      </div>
      {run && (
        <>
          <TokenChips tokens={run.tokens} selected={position} onSelect={setPosition} />
          <ChartFrame
            title="Residual stream norm"
            description="‖x‖ of each token's residual stream after each block (emb = scaled embeddings). Click a column to select the token."
            name="residual-norms"
            csv={() => [['layer', ...run.tokens.map((t, i) => `${i}:${t.text}`)], ...run.residualNorms.map((r, i) => [rowLabels[i], ...r])]}
            json={() => ({ tokens: run.tokens, layers: rowLabels, residualNorms: run.residualNorms })}
          >
            <Heatmap
              testId="residual-heatmap"
              label="Residual stream norm per layer and token"
              values={run.residualNorms.flat()}
              rows={run.residualNorms.length}
              cols={run.tokens.length}
              rowLabels={rowLabels}
              colLabels={run.tokens.map((t) => t.text)}
              selectedCol={position}
              onCellClick={(_, c) => setPosition(c)}
              describe={(r, c, v) => `${rowLabels[r]} · #${c} “${tokenLabel(run.tokens[c])}”: ‖x‖ = ${num(v)}`}
            />
          </ChartFrame>
          <ChartFrame
            title="Per-layer statistics"
            description="Over every value of the residual stream after the block. fp16 overflow: |x| > 65504, which half precision cannot hold."
            name="layer-stats"
            csv={() => [
              ['layer', 'mean', 'std', 'max_abs', 'fp16_overflow_fraction'],
              ...run.layerStats.map((s) => [layerName(s.layer), s.mean, s.std, s.maxAbs, s.fp16Overflow]),
            ]}
          >
            <table className="w-full max-w-3xl" data-testid="layer-stats">
              <thead>
                <tr>
                  <Th>layer</Th>
                  <Th right>mean</Th>
                  <Th right>std</Th>
                  <Th right>max |x|</Th>
                  <Th right>fp16 overflow</Th>
                </tr>
              </thead>
              <tbody>
                {run.layerStats.map((s) => (
                  <tr key={s.layer} className="border-t border-zinc-100 dark:border-zinc-800" data-layer={s.layer}>
                    <Td mono>{layerName(s.layer)}</Td>
                    <Td right mono>
                      {num(s.mean)}
                    </Td>
                    <Td right mono>
                      {num(s.std)}
                    </Td>
                    <Td right mono>
                      {num(s.maxAbs)}
                    </Td>
                    <Td right mono className={s.fp16Overflow > 0 ? 'text-red-600 dark:text-red-400' : ''}>
                      {pct(s.fp16Overflow, 3)}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ChartFrame>
          <ChartFrame
            title="Next token"
            description="The model's distribution after the last token."
            name="next-token"
            csv={() => [['token_id', 'token', 'prob'], ...run.next.map((t) => [t.id, t.text, t.prob])]}
          >
            <TopList tokens={run.next} testId="next-tokens" />
          </ChartFrame>
        </>
      )}
    </div>
  );
}

export function TopList({ tokens, testId }: { tokens: { id: number; text: string; kind?: TokenKind; prob: number }[]; testId: string }) {
  return (
    <ol className="space-y-1" data-testid={testId}>
      {tokens.map((t) => (
        <li key={t.id} className="flex items-center gap-2 text-[12.5px]" data-token-id={t.id} data-prob={t.prob}>
          <span className="w-28 truncate font-mono" title={tokenKindName(t.kind)}>
            <TokenLabel token={t} />
          </span>
          <span className="h-2 rounded-full bg-accent-500" style={{ width: `${Math.max(1, t.prob * 240)}px` }} />
          <span className="font-mono text-zinc-500">{pct(t.prob)}</span>
        </li>
      ))}
    </ol>
  );
}
