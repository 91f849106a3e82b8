// Playground: Tag, Summarize and Compare tabs. The run shown is kept in the URL hash
// (#/playground/<tab>/<runId>), so a reload or restart reopens it; earlier runs are listed on the left.
import { useEffect, useState } from 'react';
import type { RunKind } from '../../../../electron/core/api/playground.ts';
import { TabBar } from '../../components/TabBar.tsx';
import { PageHeader } from '../../components/ui.tsx';
import { CompareTab } from './CompareTab.tsx';
import { RunHistory } from './parts.tsx';
import { SummarizeTab } from './SummarizeTab.tsx';
import { TagTab } from './TagTab.tsx';

const TABS: { id: RunKind; label: string }[] = [
  { id: 'tag', label: 'Tag' },
  { id: 'summarize', label: 'Summarize' },
  { id: 'compare', label: 'Compare' },
];

function readHash(): { tab: RunKind; runId: string | null } {
  const [, tab, runId] = window.location.hash.replace(/^#\/?/, '').split('/');
  return { tab: TABS.some((t) => t.id === tab) ? (tab as RunKind) : 'tag', runId: runId || null };
}

export function PlaygroundScreen() {
  const [state, setState] = useState(readHash);
  useEffect(() => {
    const on = () => setState(readHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const go = (tab: RunKind, runId: string | null) => {
    window.location.hash = `#/playground/${tab}${runId ? `/${runId}` : ''}`;
  };
  const { tab, runId } = state;
  return (
    <>
      <PageHeader
        title="Playground"
        subtitle="Tag texts with constrained labels, summarize documents, compare configurations side by side"
      />
      <div className="flex min-h-0 flex-1">
        <aside className="hidden w-56 shrink-0 overflow-y-auto border-r border-zinc-200 p-3 lg:block dark:border-zinc-800">
          <h2 className="mb-2 px-2 text-[11.5px] font-semibold uppercase tracking-wide text-zinc-500">Earlier runs</h2>
          <RunHistory kind={tab} selected={runId} onSelect={(id) => go(tab, id)} />
        </aside>
        <div className="min-w-0 flex-1 overflow-y-auto">
          <TabBar label="Playground" tabs={TABS} selected={tab} onSelect={(id) => go(id, null)} className="px-6 pt-2" />
          <div className="p-6" role="tabpanel" aria-label={TABS.find((t) => t.id === tab)!.label}>
            {tab === 'tag' && <TagTab runId={runId} onRun={(id) => go('tag', id)} />}
            {tab === 'summarize' && <SummarizeTab runId={runId} onRun={(id) => go('summarize', id)} />}
            {tab === 'compare' && <CompareTab runId={runId} onRun={(id) => go('compare', id)} />}
          </div>
        </div>
      </div>
    </>
  );
}
