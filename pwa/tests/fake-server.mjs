/** An in-memory stand-in for the Pavé API's idempotent endpoints, for delivery's unit tests. */

export class FakeServer {
  constructor() {
    this.reports = new Map(); // Idempotency-Key → report
    this.photos = new Map(); // photo id → { reportId, size }
    this.requests = [];
    // Scripted trouble, consumed one per request: 'offline', 'lost-answer', a status, or
    // { status, retryAfter } (the seconds of a Retry-After header).
    this.trouble = [];
    this.categories = new Set(['pothole', 'graffiti']);
    // What the server did with the reporter's acknowledgement email: queued, withheld, none.
    this.acknowledgement = 'queued';
  }

  transport() {
    return {
      createReport: async (item) => this.handle('report', () => this.createReport(item)),
      addPhoto: async (serverId, photo, item) =>
        this.handle('photo', () => this.addPhoto(serverId, photo, item.photoToken)),
    };
  }

  async handle(kind, work) {
    this.requests.push(kind);
    const trouble = this.trouble.shift();
    if (trouble === 'offline') throw new TypeError('Failed to fetch');
    if (typeof trouble === 'number') {
      return { status: trouble, body: { title: 'Trouble', status: trouble, detail: 'scripted' } };
    }
    if (trouble?.status) {
      const body = { title: 'Trouble', status: trouble.status, detail: 'scripted' };
      return { status: trouble.status, body, retryAfter: trouble.retryAfter ?? null };
    }
    const response = work();
    // The server did the work and committed; only the answer is lost on the way back.
    if (trouble === 'lost-answer') throw new TypeError('Failed to fetch');
    return response;
  }

  createReport(item) {
    const existing = this.reports.get(item.key);
    if (existing) return { status: 201, body: existing, replayed: true };
    if (item.body.location.lat > 51.4) {
      // In the North Sea, past the coast: no commune, only the nearest within 1 km.
      return {
        status: 422,
        body: {
          type: 'https://pave.example/problems/outside-service-area',
          title: 'Outside the service area',
          status: 422,
          detail: 'The place is outside the area served.',
          nearest_commune: {
            nis_code: '38014',
            distance_m: 301,
            name: 'Knokke-Heist',
            names: { nl: 'Knokke-Heist' },
          },
        },
      };
    }
    if (!this.categories.has(item.body.category)) {
      return {
        status: 422,
        body: {
          type: 'https://pave.example/problems/unknown-category',
          title: 'Unknown category',
          status: 422,
          detail: `There is no category '${item.body.category}'.`,
        },
      };
    }
    const id = `server-${this.reports.size + 1}`;
    const report = {
      id,
      // As the server derives it: the same for the creation and each of its replays.
      photo_token: `token-of-${id}`,
      follow_token: `follow-${id}`,
      acknowledgement: this.acknowledgement,
      status: 'new',
      category: { code: item.body.category, name: item.body.category },
      commune: { nis_code: '21004', name: 'Bruxelles' },
      responsible_body: { code: 'commune-21004', name: 'Ville de Bruxelles', kind: 'commune' },
    };
    this.reports.set(item.key, report);
    return { status: 201, body: report };
  }

  addPhoto(serverId, photo, reportKey) {
    // Only the report's author may add photos: the Report-Key is its creation's photo token.
    if (!reportKey || reportKey !== `token-of-${serverId}`) {
      return {
        status: 403,
        body: {
          type: 'https://pave.example/problems/photo-upload-forbidden',
          title: 'Not allowed to add photos to this report',
          status: 403,
          detail: "This Report-Key is not the report's photo token.",
        },
      };
    }
    if (photo.type === 'text/plain') {
      return { status: 415, body: { title: 'Not an image', status: 415, detail: 'Not a photo.' } };
    }
    if (!this.photos.has(photo.id)) {
      this.photos.set(photo.id, { reportId: serverId, size: photo.data.byteLength });
    }
    return { status: 201, body: { position: 0 } };
  }
}
