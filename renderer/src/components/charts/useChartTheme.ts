// The theme on screen now, read from <html class="dark">: charts include it in what they redraw on,
// so a theme switch repaints them (whoever switched it), and nothing else does.
import { useSyncExternalStore } from 'react';

const subscribe = (onChange: () => void) => {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
};
const read = () => (document.documentElement.classList.contains('dark') ? 'dark' : 'light');

export function useResolvedTheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, read, () => 'light');
}
