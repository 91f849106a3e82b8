// Small shared building blocks: buttons, page header, empty state, cards.
import type { ButtonHTMLAttributes, ComponentType, ReactNode, SVGProps } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';
const variants: Record<Variant, string> = {
  primary: 'bg-accent-600 text-white shadow-sm hover:bg-accent-700 active:bg-accent-700 disabled:bg-accent-600/50',
  secondary:
    'bg-white text-zinc-800 ring-1 ring-zinc-300 shadow-xs hover:bg-zinc-50 dark:bg-zinc-800 dark:text-zinc-100 dark:ring-zinc-700 dark:hover:bg-zinc-700/70',
  ghost: 'text-zinc-600 hover:bg-zinc-200/70 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
  danger: 'bg-red-600 text-white shadow-sm hover:bg-red-700',
};

export function Button({
  variant = 'secondary',
  className = '',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      className={`inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-[13px] font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60 ${variants[variant]} ${className}`}
      {...props}
    />
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: string; actions?: ReactNode }) {
  return (
    <header className="flex items-center justify-between gap-4 border-b border-zinc-200 px-6 py-3.5 dark:border-zinc-800">
      <div className="min-w-0">
        <h1 className="truncate text-[15px] font-semibold tracking-tight">{title}</h1>
        {subtitle && <p className="truncate text-[12.5px] text-zinc-500 dark:text-zinc-400">{subtitle}</p>}
      </div>
      {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </header>
  );
}

export function EmptyState({
  icon: IconC,
  title,
  children,
  planned,
  action,
  status = 'Not built yet',
}: {
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  title: string;
  children: ReactNode;
  /** What this screen will do, in the user's words. */
  planned?: string[];
  action?: ReactNode;
  /** A short honest label, e.g. "Not built yet". Null hides it. */
  status?: string | null;
}) {
  return (
    <div className="flex h-full items-center justify-center p-8">
      <div className="w-full max-w-lg text-center" role="status" aria-label={title}>
        <div className="mx-auto mb-5 flex size-14 items-center justify-center rounded-2xl bg-gradient-to-br from-accent-100 to-cyan-100 text-accent-700 ring-1 ring-accent-500/15 dark:from-accent-500/15 dark:to-cyan-500/10 dark:text-accent-400">
          <IconC width={26} height={26} />
        </div>
        {status && (
          <span className="mb-2 inline-block rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-medium uppercase tracking-wide text-amber-800 dark:bg-amber-500/15 dark:text-amber-300">
            {status}
          </span>
        )}
        <h2 className="text-lg font-semibold tracking-tight">{title}</h2>
        <div className="mt-1.5 text-[13.5px] leading-relaxed text-zinc-600 dark:text-zinc-400">{children}</div>
        {planned && planned.length > 0 && (
          <ul className="mx-auto mt-5 max-w-sm space-y-1.5 text-left text-[13px] text-zinc-600 dark:text-zinc-400">
            {planned.map((p) => (
              <li key={p} className="flex gap-2">
                <span className="mt-[7px] size-1.5 shrink-0 rounded-full bg-accent-400" aria-hidden="true" />
                <span>{p}</span>
              </li>
            ))}
          </ul>
        )}
        {action && <div className="mt-6">{action}</div>}
      </div>
    </div>
  );
}

export function Card({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900/60" aria-label={title}>
      <div className="border-b border-zinc-100 px-5 py-3 dark:border-zinc-800">
        <h2 className="text-[13.5px] font-semibold">{title}</h2>
        {description && <p className="mt-0.5 text-[12.5px] text-zinc-500 dark:text-zinc-400">{description}</p>}
      </div>
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return (
    <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1 font-mono text-[10.5px] text-zinc-500 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-400">
      {children}
    </kbd>
  );
}
