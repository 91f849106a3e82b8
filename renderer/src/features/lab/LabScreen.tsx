// Lab: three questions about the active model, one click each — how fast is it here (Speed), how
// similar are these texts to it (Embeddings), and does our engine compute what llama.cpp computes
// (Check). Results are stored and come back after a restart.
import { useState } from 'react';
import { TabBar } from '../../components/TabBar.tsx';
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
      <TabBar label="Lab" tabs={TABS} selected={tab} onSelect={setTab} className="px-6" testIdPrefix="lab-tab-" />
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
