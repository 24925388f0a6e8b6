import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { openWrite, saveDraft } from './write.ts';

/** PUT /s/{token}/draft: saves the answers typed so far (JSON), as the page's script does while the supervisor works. */
export const putDraft = async (request: HttpRequest): Promise<HttpResult> => {
  const write = await openWrite(request, 'json');
  if ('refused' in write) return write.refused;
  return saveDraft(write, request, 'draft');
};
