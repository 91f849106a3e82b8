// Datasets: an honest empty state until the feature lands; it says what will come.
import { DatasetsIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function DatasetsScreen() {
  return (
    <>
      <PageHeader title="Datasets" subtitle="Examples for fine-tuning" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={DatasetsIcon}
          title="Datasets"
          planned={[
            'Import JSONL or CSV, or write examples by hand',
            'Preview exactly how each example is tokenized',
            'Split into train and validation sets',
          ]}
        >
          Build and edit small instruction datasets to teach a model new behaviour.
        </EmptyState>
      </div>
    </>
  );
}
