/**
 * How long a survey container may answer from its own copy of a campaign's status and deadline
 * before reading them again. Closing a campaign therefore takes effect everywhere within this time.
 */
export const DEFAULT_CAMPAIGN_CACHE_SECONDS = 5;

/** The survey function's timeout on AWS: no submission is still being written after it. */
export const SURVEY_REQUEST_TIMEOUT_SECONDS = 15;

/**
 * Seconds after close before Score may read the responses: a container that still saw the campaign
 * open (for at most `cacheSeconds`) may have accepted a submission, whose write ends within the
 * request's timeout. Waiting both out means every submission answered with 2xx is scored.
 */
export const settleSeconds = (cacheSeconds: number, requestTimeoutSeconds: number): number =>
  Math.ceil(cacheSeconds + requestTimeoutSeconds + 1);

/**
 * The earliest time Score may read the responses of a campaign closed at `closedAt`: `settle` seconds
 * later, rounded up to a whole second, as the workflow's Wait state takes it (RFC 3339, no fraction).
 */
export const scoreAfter = (closedAt: string, settle: number): string => {
  const closed = Date.parse(closedAt);
  if (Number.isNaN(closed)) throw new RangeError(`closedAt "${closedAt}" is not a time`);
  return new Date(Math.ceil((closed + settle * 1000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
};

/** What of a campaign decides whether its links take answers. */
export interface WindowState {
  status: string;
  deadline: string;
  closeRequested?: boolean | undefined;
  reviewUntil?: string | undefined;
  reviewFinished?: boolean | undefined;
}

/** Whether a campaign collects answers: open, not asked to close, before its deadline. */
export const collecting = (m: WindowState, now: Date): boolean =>
  m.status === 'open' && !m.closeRequested && now.getTime() < Date.parse(m.deadline);

/**
 * Until when a response returned for correction can be corrected through its link: the deadline while
 * the campaign collects answers, the review window's end while it is in review; undefined once neither.
 */
export const correctionUntil = (m: WindowState, now: Date): string | undefined => {
  if (collecting(m, now)) return m.deadline;
  if (m.status !== 'reviewing' || m.reviewFinished || !m.reviewUntil) return undefined;
  return now.getTime() < Date.parse(m.reviewUntil) ? m.reviewUntil : undefined;
};
