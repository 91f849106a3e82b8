// Inspect: an honest empty state until the feature lands; it says what will come.
import { InspectIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function InspectScreen() {
  return (
    <>
      <PageHeader title="Inspect" subtitle="Activations, attention, logit lens, gradients" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={InspectIcon}
          title="Look inside the model"
          planned={[
            'Residual-stream heatmap per layer and token, with per-layer statistics',
            'Attention maps per head, the sliding window visible on local layers',
            'Logit lens: what each layer would predict next',
            'Gradients: per-layer norms and per-token attribution',
            'Interventions: ablate a head or MLP unit and see the change',
          ]}
        >
          Run a prompt through the glass-box Gemma 3 engine and see every layer: this is where the model is opened up.
        </EmptyState>
      </div>
    </>
  );
}
