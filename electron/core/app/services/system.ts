import type { SystemStatus } from '../../api/system.ts';
import { schemaVersion } from '../../store/migrate.ts';
import type { CoreContext, ServiceHandlers } from '../context.ts';

export function systemStatus(ctx: CoreContext): SystemStatus {
  const parts = ctx.getStatusParts();
  return {
    appVersion: ctx.appVersion,
    mode: ctx.mode,
    platform: process.platform,
    arch: process.arch,
    model: parts.model,
    backend: parts.backend,
    workers: [ctx.workers.model.snapshot, ctx.workers.engine.snapshot],
    database: { path: ctx.paths.dbPath, schemaVersion: schemaVersion(ctx.db) },
    dataDir: ctx.paths.dataDir,
    modelsDir: ctx.paths.modelsDir,
    testMode: ctx.testMode,
  };
}

export function systemHandlers(ctx: CoreContext): ServiceHandlers<'system'> {
  return {
    'system.status': () => systemStatus(ctx),
  };
}
