// Chat-list scaling: the cost of sessions.* calls at 500 chats vs 5,000 chats, in the same run.
// Goal (issue 11): create / rename / page cost independent of the number of chats (ratio ≈ 1); only
// sessions.list (the whole list) may grow. Each call runs through the dispatcher, publishes its event,
// and the event is serialised as a transport would (JSON), so payload size counts too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCore } from '../electron/core/app/core.ts';
import type { WorkerSpawner } from '../electron/core/workers/protocol.ts';
import { startHost } from '../electron/server/host.ts';
import { createApiClient } from '../renderer/src/api/client.ts';
import { wsTransport, type SocketCtor } from '../renderer/src/api/transport-ws.ts';

const REPS = Number(process.env.GLASSBOX_BENCH_SESSIONS_REPS ?? 200);
const noWorkers: WorkerSpawner = () => {
  throw new Error('no workers in this bench');
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(chats: number) {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-bench-sessions-'));
  const core = createCore({ mode: 'browser', spawner: noWorkers, dataDir: dir, testMode: false });
  let eventBytes = 0;
  core.events.subscribe((e) => (eventBytes += JSON.stringify(e).length));
  const insert = core.db.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
  core.db.transaction(() => {
    for (let i = 0; i < chats; i++) insert.run(`seed-${i}`, `Seeded chat ${i}`, 1_000 + i, 1_000 + i);
  })();
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const ok = async (m: string, input: unknown) => {
    const r = await core.dispatch(m as never, input as never);
    if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
    return r.value as { id: string };
  };
  const create: number[] = [],
    rename: number[] = [],
    page: number[] = [],
    list: number[] = [];
  eventBytes = 0;
  for (let i = 0; i < REPS; i++) {
    let id = '';
    create.push(await time(async () => (id = (await ok('sessions.create', { title: `bench ${i}` })).id)));
    rename.push(await time(() => ok('sessions.rename', { id, title: `bench ${i} renamed` })));
    page.push(await time(() => ok('sessions.page', { limit: 50 })));
    if (i % 10 === 0) list.push(await time(() => ok('sessions.list', {})));
  }
  const bytesPerEvent = eventBytes / (2 * REPS);
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return { create: median(create), rename: median(rename), page: median(page), list: median(list), bytesPerEvent };
}

/** 40 WebSocket clients, each making CALLS calls that mix create, first page and search; every client receives every event. */
async function manyClients(chats: number, clients = 40, calls = 15) {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-bench-sessions-ws-'));
  const host = await startHost({ port: 0, dataDir: dir, spawner: noWorkers });
  const insert = host.core.db.prepare('INSERT INTO chat_sessions (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)');
  host.core.db.transaction(() => {
    for (let i = 0; i < chats; i++) insert.run(`seed-${i}`, `Seeded chat ${i}`, 1_000 + i, 1_000 + i);
  })();
  const url = `${host.origin.replace(/^http/, 'ws')}/api?token=${encodeURIComponent(host.token)}`;
  const all = Array.from({ length: clients }, () =>
    createApiClient(wsTransport(url, { WebSocketImpl: WebSocket as unknown as SocketCtor, reconnect: false })),
  );
  const latencies: number[] = [];
  await Promise.all(
    all.map(async (c, k) => {
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        if (i % 3 === 0) await c.api.sessions.create({ title: `client ${k} chat ${i}` });
        else if (i % 3 === 1) await c.api.sessions.page({ limit: 50 });
        else await c.api.chat.search({ query: 'chat', limit: 20 });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  all.forEach((c) => c.close());
  await host.close();
  rmSync(dir, { recursive: true, force: true });
  return median(latencies);
}

export default async function main() {
  const few = await manyClients(500);
  const many = await manyClients(5_000);
  console.log(
    `40 WebSocket clients mixing create / page / search, median call: ${few.toFixed(1)} ms at 500 chats, ${many.toFixed(1)} ms at 5,000 chats, ratio ${(many / few).toFixed(2)} (goal ≈ 1)`,
  );

  // Alternate small and large twice so machine load drifts over both.
  const small = [await measure(500)];
  const large = [await measure(5_000)];
  small.push(await measure(500));
  large.push(await measure(5_000));
  const pick = (rs: Awaited<ReturnType<typeof measure>>[], k: keyof Awaited<ReturnType<typeof measure>>) =>
    Math.min(...rs.map((r) => r[k]));
  console.log(`sessions.* median ms, 500 chats vs 5,000 chats (${REPS} calls each):`);
  for (const k of ['create', 'rename', 'page', 'list', 'bytesPerEvent'] as const) {
    const a = pick(small, k),
      b = pick(large, k);
    const unit = k === 'bytesPerEvent' ? 'B' : 'ms';
    console.log(
      `  ${k.padEnd(14)} ${a.toFixed(3).padStart(9)} ${unit}  ${b.toFixed(3).padStart(9)} ${unit}   ratio ${(b / a).toFixed(2)}${k === 'list' ? '  (the whole list: expected to grow)' : '  (goal ≈ 1)'}`,
    );
  }
}
