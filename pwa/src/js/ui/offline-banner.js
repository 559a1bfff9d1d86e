/** The form's offline banner: the resident knows before sending that the report will wait. */

/**
 * Shows `banner` while the phone says it is offline. navigator.onLine only knows whether there
 * is a network at all (a server that is down still counts as online): the banner promises
 * nothing about delivery, it only says why a report made now will wait.
 */
export function watchConnection(banner) {
  const update = () => {
    banner.hidden = navigator.onLine;
  };
  update();
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
}
