// The main window's size and position, remembered across launches in <userData>/window-state.json.
// A saved position is used only if it still lies on a connected display (a monitor may have been
// unplugged); otherwise the window opens centred at the saved size, shrunk to fit the screen.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
/** How much of the title bar must be on a display for a saved position to count as visible. */
const MIN_VISIBLE = { width: 120, height: 40 };

export const windowStateFile = (userData: string) => join(userData, 'window-state.json');

/** Saved state fitted to today's displays; the default for a missing or unreadable file. */
export function loadWindowState(file: string, workAreas: Rectangle[]): WindowState {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  return fitToDisplays(saved, workAreas);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 1e6;

export function fitToDisplays(saved: unknown, workAreas: Rectangle[]): WindowState {
  const s = (saved ?? {}) as Record<string, unknown>;
  if (!isInt(s.width) || !isInt(s.height) || s.width <= 0 || s.height <= 0) return { ...DEFAULT_WINDOW_STATE };
  const largest = workAreas.reduce(
    (a, b) => (b.width * b.height > a.width * a.height ? b : a),
    workAreas[0] ?? { x: 0, y: 0, width: 1280, height: 820 },
  );
  const width = Math.min(s.width, largest.width);
  const height = Math.min(s.height, largest.height);
  const maximized = s.maximized === true;
  if (!isInt(s.x) || !isInt(s.y)) return { width, height, maximized };
  const x = s.x;
  const y = s.y;
  const visible = workAreas.some(
    (d) =>
      overlap(x, x + width, d.x, d.x + d.width) >= MIN_VISIBLE.width &&
      overlap(y, y + MIN_VISIBLE.height, d.y, d.y + d.height) >= MIN_VISIBLE.height,
  );
  return visible ? { x, y, width, height, maximized } : { width, height, maximized };
}

const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/** Saves the window's state whenever it settles (debounced) and when it closes. Returns a stop function. */
export function trackWindowState(win: BrowserWindow, file: string, debounceMs = 400): () => void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (win.isDestroyed()) return;
    // Normal bounds: what the window returns to when un-maximized, so maximizing does not lose them.
    const b = win.isMaximized() || win.isMinimized() || win.isFullScreen() ? win.getNormalBounds() : win.getBounds();
    const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      console.warn('could not save the window position:', err);
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, debounceMs);
    timer.unref();
  };
  const events = ['resize', 'move', 'maximize', 'unmaximize'] as const;
  for (const e of events) win.on(e as 'resize', later);
  win.on('close', save);
  return () => {
    if (timer) clearTimeout(timer);
    for (const e of events) win.off(e as 'resize', later);
    win.off('close', save);
  };
}
