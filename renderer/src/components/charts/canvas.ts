// Canvas plumbing shared by the charts: crisp drawing on high-DPI screens, the theme's colours,
// and saving a chart as PNG (canvas.toBlob).
import { downloadBlob } from '../download.ts';
import { formatNumber } from './format.ts';

export function setupCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * dpr));
  canvas.height = Math.max(1, Math.round(height * dpr));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export function isDark(): boolean {
  return document.documentElement.classList.contains('dark');
}

export function theme() {
  const dark = isDark();
  return {
    background: dark ? '#18181b' : '#ffffff',
    text: dark ? '#d4d4d8' : '#3f3f46',
    muted: dark ? '#71717a' : '#a1a1aa',
    grid: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.07)',
    accent: dark ? '#818cf8' : '#4f46e5',
    warn: '#f59e0b',
  };
}

export const FONT = '11px ui-sans-serif, system-ui, sans-serif';
export const MONO = '10.5px ui-monospace, SFMono-Regular, Menlo, monospace';

/** Saves the canvas as a PNG download. */
export function savePng(canvas: HTMLCanvasElement, name: string): Promise<void> {
  return new Promise((resolve) => {
    canvas.toBlob((blob) => {
      if (blob) downloadBlob(blob, name.endsWith('.png') ? name : `${name}.png`);
      resolve();
    }, 'image/png');
  });
}

/** A label cut to fit `max` characters. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s;
}

/** Compact number for axes and tooltips (see format.ts). */
export const fmt = (v: number): string => formatNumber(v);
