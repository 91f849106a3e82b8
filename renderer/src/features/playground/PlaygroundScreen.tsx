// Playground: an honest empty state until the feature lands; it says what will come.
import { PlaygroundIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function PlaygroundScreen() {
  return (
    <>
      <PageHeader title="Playground" subtitle="Batch prompts: tag, summarize, compare" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={PlaygroundIcon}
          title="Playground"
          planned={[
            'Tag: classify a list of texts with a JSON-schema constrained answer',
            'Summarize: long text in, chunked and summarised',
            'Compare: the same prompt on two models or two settings',
          ]}
        >
          Run one prompt over many inputs and compare models side by side.
        </EmptyState>
      </div>
    </>
  );
}
