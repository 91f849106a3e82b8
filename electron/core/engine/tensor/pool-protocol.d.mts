export const GEN: number, DONE: number, KERNEL: number, NEXT: number, ARGS: number, N_ROWS: number;
export const CHUNK: number, FAILED: number, GRAIN: number, THREADS: number, ASLEEP: number;
export const CTRL_WORDS: number;
export const SPIN: number;
export function claim(ctrl: Int32Array): number;
export function claimEnd(ctrl: Int32Array, n0: number): number;
