// Number formats of the lab: figures a person reads, not floats.
export const fmtRate = (x: number) => (x === 0 ? '0' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const fmtMs = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x >= 100 ? 0 : 1)} ms`);
export const fmtPct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 3 : x < 0.1 ? 2 : 1)}%`;
export const fmtSim = (x: number) => (Math.abs(x) < 0.005 ? '0.00' : x.toFixed(2));
