/**
 * GET /console/sign-in: the sign-in form. Apart from the sign-in action (api/console/sign-in.ts), which
 * brings Cognito's token checks and the lockout store: the form, the first page a cold console serves
 * to most users, needs neither.
 */
import { renderSignInPage } from '../../core/render/console/sign-in.ts';
import type { RouteHandler } from '../../edge/http/types.ts';
import { consolePage } from './page-context.ts';
import { respond } from './site.ts';

/** The sign-in form, in the request's language. */
export const showSignIn: RouteHandler = async (request) => respond.html(200, renderSignInPage(consolePage(request)));
