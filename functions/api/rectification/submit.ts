import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { readReportBody } from './body.ts';
import { disputeFinding } from './dispute.ts';
import { openLink, rectificationLinks } from './link.ts';
import { answerProblem } from './messages.ts';
import { reportItemFixed } from './report-fixed.ts';

/**
 * POST /r/{token}: the body read first (415, 413, 400), then the link opened (404, 410); a dispute
 * (`intent=dispute`) or else a report of an item fixed.
 */
export const submitRectification = async (request: HttpRequest): Promise<HttpResult> => {
  const body = readReportBody(request);
  if (!body.ok) return answerProblem(request, body.status, body.key);
  const link = await rectificationLinks.require(request);
  await openLink(link);
  const intent = (body.fields as { intent?: unknown } | null)?.intent;
  if (intent === 'dispute') return disputeFinding(request, link, body.fields);
  return reportItemFixed(request, link, body);
};
