/**
 * Request timeouts shared by every AWS client: a hung service (or a hung local stand-in) must fail
 * a call, not a campaign.
 */
export const requestHandler = { connectionTimeout: 3_000, requestTimeout: 15_000 };
