/** When the page flushes the outbox: at start, online, visible again, on a timer, on demand. */

import { apiTransport } from './api.js';
import { flush, withOutboxLock } from './delivery.js';

export const CHANNEL = 'pave-outbox';

export class DeliveryLoop {
  constructor(outbox, { onChange = () => {}, transport = null, channel = CHANNEL } = {}) {
    this.outbox = outbox;
    this.onChange = onChange;
    // The residents' reports by default; the crews' screens pass the staff API.
    this.transport = transport || apiTransport();
    this.syncTag = channel;
    this.timer = null;
    this.running = null;
    this.pendingForce = null;
    // The service worker delivers too; it says so here, and the page redraws.
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channel);
    if (this.channel) this.channel.onmessage = () => this.onChange();
  }

  start() {
    window.addEventListener('online', () => this.run({ force: true }));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.run({ force: true });
    });
    return this.run({ force: true });
  }

  /** Flush now; a call made during a flush runs once more right after it. */
  async run({ force = false } = {}) {
    if (this.running) {
      this.pendingForce = this.pendingForce || force;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = (async () => {
      try {
        const result = await withOutboxLock(() =>
          flush(this.outbox, this.transport, {
            force,
            onChange: () => {
              this.onChange();
              this.channel?.postMessage('changed');
            },
          }),
        );
        this.schedule(result.nextAttemptAt);
      } catch (error) {
        // An IndexedDB failure must not stop later attempts.
        console.error('outbox flush failed', error);
        this.schedule(Date.now() + 30000);
      }
    })();
    await this.running;
    this.running = null;
    if (this.pendingForce !== null) {
      const again = this.pendingForce;
      this.pendingForce = null;
      await this.run({ force: again });
    }
  }

  schedule(at) {
    clearTimeout(this.timer);
    if (!at) return;
    this.timer = setTimeout(() => this.run(), Math.max(0, at - Date.now()));
  }

  /** Ask the service worker to deliver when the network returns, where the browser can. */
  async requestBackgroundSync() {
    try {
      const registration = await navigator.serviceWorker?.ready;
      await registration?.sync?.register(this.syncTag);
    } catch {
      // No Background Sync (Safari, Firefox) or refused: the page's own triggers remain.
    }
  }
}
