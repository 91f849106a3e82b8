// The chat, models and backend services, composed for ../app/services.ts.
import { ServiceError } from '../api/errors.ts';
import type { CoreContext, ServiceHandlers } from '../app/context.ts';

const notYet = (): never => {
  throw new ServiceError('unavailable', 'not implemented yet');
};

export function llmHandlers(_ctx: CoreContext): ServiceHandlers<'chat'> & ServiceHandlers<'models'> & ServiceHandlers<'backend'> {
  return {
    'chat.get': notYet,
    'chat.send': notYet,
    'chat.regenerate': notYet,
    'chat.edit': notYet,
    'chat.stop': notYet,
    'chat.switchBranch': notYet,
    'chat.setConfig': notYet,
    'chat.contextUsage': notYet,
    'chat.search': notYet,
    'chat.export': notYet,
    'chat.import': notYet,
    'models.list': notYet,
    'models.import': notYet,
    'models.pickAndImport': notYet,
    'models.remove': notYet,
    'models.setActive': notYet,
    'models.defaultDownload': notYet,
    'models.download': notYet,
    'models.downloads': notYet,
    'models.pauseDownload': notYet,
    'models.resumeDownload': notYet,
    'models.cancelDownload': notYet,
    'backend.report': notYet,
    'backend.getConfig': notYet,
    'backend.setConfig': notYet,
  };
}
