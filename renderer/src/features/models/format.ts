// Numbers as people read them on the Models screen.

/** 1536 → "1.5 KiB", 290_000_000 → "276.6 MiB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** 268_098_176 → "268M", 1_100_000_000 → "1.1B", 4200 → "4.2K". */
export function formatParams(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const steps: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of steps) {
    if (n >= size) {
      const v = n / size;
      return `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))}${unit}`;
    }
  }
  return String(n);
}

/** Bytes per second → "12.3 MiB/s". */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (!bytesPerSecond || !Number.isFinite(bytesPerSecond)) return '';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 32768 → "32K", 2048 → "2K", 1000 → "1000". */
export function formatContext(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : n.toLocaleString('en-US');
}
