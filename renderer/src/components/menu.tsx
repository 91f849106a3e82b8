// Menus, popovers and tooltips on Radix primitives (radix-ui): focus moves in and back out, arrow
// keys and typeahead work, Escape closes, and the content flips or shifts to stay on screen.
// Styled once here so every screen's menus look and behave the same.
import { DropdownMenu, Popover as RadixPopover, Tooltip as RadixTooltip } from 'radix-ui';
import type { ReactElement, ReactNode } from 'react';

const surface = 'z-50 rounded-lg border border-zinc-200 bg-white shadow-lg dark:border-zinc-700 dark:bg-zinc-900';

export interface MenuItem {
  label: ReactNode;
  onSelect(): void;
  disabled?: boolean;
  /** Read by screen readers when the label is not plain text. */
  textValue?: string;
}

/** A button that opens a menu of actions. `trigger` must be a button (it receives the ref and aria attributes). */
export function Menu({
  trigger,
  label,
  items,
  align = 'end',
}: {
  trigger: ReactElement;
  label: string;
  items: MenuItem[];
  align?: 'start' | 'center' | 'end';
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>{trigger}</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content aria-label={label} align={align} sideOffset={4} collisionPadding={8} className={`${surface} min-w-44 p-1`}>
          {items.map((item, i) => (
            <DropdownMenu.Item
              key={i}
              disabled={item.disabled}
              textValue={item.textValue}
              onSelect={item.onSelect}
              className="block w-full cursor-default rounded-md px-2.5 py-1.5 text-left text-[13px] outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-zinc-100 dark:data-[highlighted]:bg-zinc-800"
            >
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** Content that opens beside a trigger on click (or when `open` is set) and closes on Escape or outside click. */
export function Popover({
  trigger,
  children,
  label,
  open,
  onOpenChange,
  side = 'bottom',
  align = 'center',
  className = '',
}: {
  trigger: ReactElement;
  children: ReactNode;
  label: string;
  open?: boolean;
  onOpenChange?(open: boolean): void;
  side?: 'top' | 'right' | 'bottom' | 'left';
  align?: 'start' | 'center' | 'end';
  className?: string;
}) {
  return (
    <RadixPopover.Root open={open} onOpenChange={onOpenChange}>
      <RadixPopover.Trigger asChild>{trigger}</RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content
          aria-label={label}
          side={side}
          align={align}
          sideOffset={6}
          collisionPadding={8}
          className={`${surface} p-3 text-[13px] ${className}`}
        >
          {children}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}

/** A short hint on hover or keyboard focus; `children` must be one focusable element. */
export function Tip({
  content,
  children,
  side = 'top',
}: {
  content: ReactNode;
  children: ReactElement;
  side?: 'top' | 'right' | 'bottom' | 'left';
}) {
  return (
    <RadixTooltip.Provider delayDuration={400} skipDelayDuration={200}>
      <RadixTooltip.Root>
        <RadixTooltip.Trigger asChild>{children}</RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content
            side={side}
            sideOffset={4}
            collisionPadding={8}
            className="z-50 max-w-xs rounded-md bg-zinc-900 px-2 py-1 text-[12px] text-white shadow dark:bg-zinc-100 dark:text-zinc-900"
          >
            {content}
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
