// Files: an honest empty state until the feature lands; it says what will come.
import { FilesIcon } from '../../components/icons.tsx';
import { EmptyState, PageHeader } from '../../components/ui.tsx';

export function FilesScreen() {
  return (
    <>
      <PageHeader title="Files" subtitle="Drop documents to summarize" />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <EmptyState
          icon={FilesIcon}
          title="Files"
          planned={[
            'Drag and drop files onto this screen',
            'Text extraction and chunking, stored in SQLite',
            'Summaries you can search and export',
          ]}
        >
          Drop text, Markdown or PDF files here to summarize them with a local model.
        </EmptyState>
      </div>
    </>
  );
}
