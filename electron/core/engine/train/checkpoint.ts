// Training checkpoints: everything needed to continue a run exactly (adapter, AdamW moments, the
// step counters, the metrics so far, the config). Data order is a pure function of (seed, epoch),
// so no random-generator state is needed.
//
// File: "GBCK" | u32 format version | u32 header bytes | header JSON | f32 arrays in header order.
// Written to a temporary, fsynced, then renamed over the old one: a crash or a full disk while
// writing leaves the previous checkpoint as it was.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

export const CHECKPOINT_VERSION = 1;
const MAGIC = 0x4b434247; // "GBCK" little-endian

export interface CheckpointArrays {
  [name: string]: Float32Array;
}

export interface Checkpoint<H> {
  header: H;
  arrays: CheckpointArrays;
}

/** Hooks for tests (a disk that fills up mid-write). */
export interface CheckpointIo {
  write(fd: number, bytes: Uint8Array): void;
}
const defaultIo: CheckpointIo = { write: (fd, b) => void writeSync(fd, b) };

export function writeCheckpoint<H>(path: string, c: Checkpoint<H>, io: CheckpointIo = defaultIo): void {
  const names = Object.keys(c.arrays);
  const json = new TextEncoder().encode(JSON.stringify({ header: c.header, arrays: names.map((n) => [n, c.arrays[n].length]) }));
  const head = new Uint8Array(12);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, CHECKPOINT_VERSION, true);
  dv.setUint32(8, json.length, true);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    io.write(fd, head);
    io.write(fd, json);
    for (const n of names) {
      const a = c.arrays[n];
      io.write(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}

export function readCheckpoint<H>(path: string): Checkpoint<H> {
  const bytes = readFileSync(path);
  if (bytes.length < 12) throw new Error(`${path}: not a checkpoint (too short)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error(`${path}: not a Glassbox checkpoint`);
  const version = dv.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) throw new Error(`${path}: checkpoint format ${version}, this build reads ${CHECKPOINT_VERSION}`);
  const n = dv.getUint32(8, true);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + n))) as { header: H; arrays: [string, number][] };
  let off = 12 + n;
  const arrays: CheckpointArrays = {};
  for (const [name, len] of meta.arrays) {
    if (off + len * 4 > bytes.length) throw new Error(`${path}: checkpoint is truncated at ${name}`);
    arrays[name] = new Float32Array(new Uint8Array(bytes.subarray(off, off + len * 4)).buffer);
    off += len * 4;
  }
  return { header: meta.header, arrays };
}
