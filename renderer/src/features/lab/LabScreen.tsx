// Lab: three questions about the active model, one click each — how fast is it here (Speed), how
// similar are these texts to it (Embeddings), and does our engine compute what llama.cpp computes
// (Check). Results are stored and come back after a restart.
import { useState } from 'react';
import { PageHeader } from '../../components/ui.tsx';
import { CheckTab } from './CheckTab.tsx';
import { EmbeddingsTab } from './EmbeddingsTab.tsx';
import { SpeedTab } from './SpeedTab.tsx';

const TABS = [
  { id: 'speed', label: 'Speed', component: SpeedTab },
  { id: 'embeddings', label: 'Embeddings', component: EmbeddingsTab },
  { id: 'check', label: 'Check this model', component: CheckTab },
] as const;

export function LabScreen() {
  const [tab, setTab] = useState<(typeof TABS)[number]['id']>('speed');
  return (
    <>
      <PageHeader title="Lab" subtitle="Speed on every backend, embeddings, and our engine checked against llama.cpp" />
      <div role="tablist" aria-label="Lab" className="flex gap-1 border-b border-zinc-200 px-6 dark:border-zinc-800">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            type="button"
            aria-selected={tab === t.id}
            data-testid={`lab-tab-${t.id}`}
            onClick={() => setTab(t.id)}
            className={`-mb-px border-b-2 px-3 py-2 text-[13px] font-medium ${
              tab === t.id
                ? 'border-accent-600 text-zinc-900 dark:text-zinc-100'
                : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200'
            }`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">
        {TABS.map((t) => (
          // Tabs stay mounted: a result on one survives a visit to another.
          <div key={t.id} role="tabpanel" hidden={tab !== t.id}>
            <t.component />
          </div>
        ))}
      </div>
    </>
  );
}
