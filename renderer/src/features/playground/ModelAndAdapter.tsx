// The model picker and the adapter picker that belongs to it, as one control: choosing another model
// drops the adapter, since an adapter only fits the model it was trained on. It renders the two
// pickers side by side in the DOM (a fragment), so each screen lays them out as it likes.
import { AdapterSelect, adapterInput, ModelSelect, noAdapter, useModels, type AdapterValue } from './parts.tsx';

/** Which model ('' = the active one) and which of its adapters a run uses. */
export interface ModelChoice {
  modelId: string;
  adapter: AdapterValue;
}
export const activeModel: ModelChoice = { modelId: '', adapter: noAdapter };
/** The API's form: each field absent when it is the default. */
export const modelChoiceInput = (c: ModelChoice) => ({ ...(c.modelId ? { modelId: c.modelId } : {}), ...adapterInput(c.adapter) });

export function ModelAndAdapter({ value, onChange }: { value: ModelChoice; onChange(next: ModelChoice): void }) {
  const models = useModels();
  return (
    <>
      <ModelSelect
        label="Model"
        value={value.modelId}
        onChange={(modelId) => onChange({ modelId, adapter: noAdapter })}
        models={models.data}
      />
      <AdapterSelect
        modelId={value.modelId}
        value={value.adapter}
        onChange={(adapter) => onChange({ modelId: value.modelId, adapter })}
        models={models.data}
      />
    </>
  );
}
