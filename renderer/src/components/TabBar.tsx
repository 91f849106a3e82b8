// A row of tabs over a screen's views (Inspect, Playground, Lab): one look and the ARIA tab roles
// everywhere. The screen keeps which tab is chosen and draws the panels.
export function TabBar<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  className = '',
  testIdPrefix,
}: {
  /** The tablist's accessible name. */
  label: string;
  tabs: readonly { id: T; label: string }[];
  selected: NoInfer<T>;
  onSelect(id: NoInfer<T>): void;
  /** The row's padding, as the screen lays it out. */
  className?: string;
  /** Gives each tab data-testid `${testIdPrefix}${id}`. */
  testIdPrefix?: string;
}) {
  return (
    <div role="tablist" aria-label={label} className={`flex gap-1 border-b border-zinc-200 dark:border-zinc-800 ${className}`}>
      {tabs.map((t) => (
        <button
          key={t.id}
          role="tab"
          type="button"
          aria-selected={t.id === selected}
          data-tab={t.id}
          data-testid={testIdPrefix === undefined ? undefined : `${testIdPrefix}${t.id}`}
          onClick={() => onSelect(t.id)}
          className={`-mb-px border-b-2 px-3 py-2 text-[13px] font-medium transition-colors ${
            t.id === selected
              ? 'border-accent-600 text-accent-700 dark:text-accent-400'
              : 'border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200'
          }`}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
