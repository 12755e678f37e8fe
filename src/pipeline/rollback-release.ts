import type { StageContext } from '../runtime/context';
import type { Report } from './report';
import { NotImplementedError } from './stage';

export async function rollbackRelease(_ctx: StageContext, _report: Report): Promise<void> {
  throw new NotImplementedError('command "rollback"');
}
