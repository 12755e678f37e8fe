import type { StageContext } from '../runtime/context';
import { describeConfig } from './plan';
import type { Report } from './report';
import { stage } from './stage';

export async function planRelease(ctx: StageContext, report: Report): Promise<void> {
  await stage(ctx, report, 'Configuration', async () => {
    ctx.log.info(describeConfig(ctx.config));
  });
  report.result = 'planned';
}
