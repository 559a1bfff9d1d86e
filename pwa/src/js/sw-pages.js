/** Which navigations the service worker answers from its cache (see sw.js). */

/**
 * The cached page that answers a navigation to `pathname`, or null to let the network answer.
 * The pages route by their hash (#/...), so each has one address, the one the server serves it
 * at (it has no /index.html); the follow page reads the
 * resident's token from its address, so one cached copy serves every /follow/<token> (and its
 * unsubscribe and confirmation addresses) and no token ever becomes a cache key.
 */
export function appPage(pathname) {
  if (pathname === '/') return '/';
  if (pathname === '/staff/') return '/staff/';
  if (/^\/follow\/([A-Za-z0-9_-]+(\/unsubscribe)?|confirm\/[A-Za-z0-9_-]+)$/.test(pathname)) {
    return '/follow/';
  }
  return null;
}
