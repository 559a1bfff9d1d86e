/** The resident's follow page: their report through the private link of their emails. */

import { flagField } from '../dom.js';
import { language, onLanguageChange, say, startLanguage, t } from '../i18n.js';
import { plainText } from '../plain-text.js';
import { AddPhoto } from './add-photo.js';
import { confirmFollow, followApi, parseFollowPath } from './api.js';
import { refusalKey } from './refusal.js';
import { formatDay, renderReport } from './render.js';

const $ = (id) => document.getElementById(id);

// What a refused reopening or comment tells the resident, beside what any refusal on this page says.
function actionRefusal(status, type) {
  if (status === 409) return 'follow.problem.notResolved';
  if (type.endsWith('/reopen-window-closed')) return 'follow.problem.late';
  if (type.endsWith('/invalid-text')) return 'follow.problem.invalidText';
  if (status === 422) return 'follow.problem.refused';
  return null;
}

class FollowPage {
  constructor() {
    const { token, unsubscribe, confirm } = parseFollowPath(location.pathname);
    this.token = token;
    this.unsubscribePath = unsubscribe;
    this.confirmPath = confirm;
    this.api = followApi(token, { lang: language });
    this.data = null;
    if (!unsubscribe) {
      // From the follow link, emails come last; from the unsubscribe link, first.
      $('main').append($('unsubscribe-box'));
      // There it is a way out, not the page's business: a quiet link-styled button.
      $('unsubscribe').className = 'quiet';
    }
    $('retry').addEventListener('click', () => this.load({ focus: true }));
    $('comment-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.sendComment();
    });
    $('say-fixed').addEventListener('click', () => this.say('fixed'));
    $('say-not-fixed').addEventListener('click', () => this.say('notFixed'));
    $('unsubscribe').addEventListener('click', () => this.unsubscribe());
    $('confirm-follow').addEventListener('click', () => this.confirm());
    this.addPhoto = new AddPhoto(token, () => this.load());
  }

  /** Whose report this is to the reader: their own, or one they follow (issue 11: a
   * follower is not the reporter, and is not told of "your report"). */
  showRole(isReporter) {
    say($('follow-tagline'), isReporter ? 'follow.tagline' : 'follow.tagline.follower');
    showTitle();
  }

  /** The confirmation address: a button, since only a person's POST may confirm. */
  showConfirm() {
    say($('load-status'), null);
    this.showRole(false);
    say($('follow-heading'), 'follow.heading.confirm');
    $('confirm-box').hidden = false;
  }

  async confirm() {
    const button = $('confirm-follow');
    button.disabled = true;
    say($('confirm-error'), null);
    let answer = null;
    try {
      answer = await confirmFollow(this.token, { lang: language });
    } catch {
      answer = null;
    } finally {
      button.disabled = false;
    }
    if (answer?.status === 201 && answer.body?.token) {
      // The follower's own page from now on; the confirmation link is spent.
      location.replace(`/follow/${encodeURIComponent(answer.body.token)}`);
      return;
    }
    if (String(answer?.body?.type || '').endsWith('/follow-already-confirmed')) {
      // A second click on the link: nothing to do, and a way on rather than a dead end.
      button.hidden = true;
      say($('confirm-done'), 'follow.confirm.already');
      $('confirm-app').hidden = false;
      return;
    }
    if (!answer) say($('confirm-error'), 'follow.offline.action');
    else if (answer.status === 404) say($('confirm-error'), 'follow.confirm.invalid');
    else if (answer.status === 409) say($('confirm-error'), 'follow.confirm.closed');
    else say($('confirm-error'), 'follow.problem.other', { status: answer.status });
  }

  async load({ focus = false } = {}) {
    if (!this.token) {
      this.showProblem({ status: 404, body: null });
      return;
    }
    say($('load-status'), 'follow.loading');
    let answer;
    try {
      answer = await this.api.get();
    } catch {
      this.showProblem(null);
      if (focus) $('follow-heading').focus();
      return;
    }
    if (answer.status !== 200) {
      this.showProblem(answer);
      if (focus) $('follow-heading').focus();
      return;
    }
    this.data = answer.body;
    say($('load-status'), null);
    $('follow-problem').hidden = true;
    $('follow-report').hidden = false;
    renderReport(this.data);
    this.showRole(this.data.is_reporter !== false);
    this.addPhoto.render(this.data);
    this.renderSubscription();
  }

  /** A link that cannot show the report: invalid, expired, or the server out of reach. */
  showProblem(answer) {
    this.data = null;
    say($('load-status'), null);
    $('follow-report').hidden = true;
    $('unsubscribe-box').hidden = true;
    $('follow-problem').hidden = false;
    const heading = $('follow-heading');
    let text = 'follow.error.text';
    say($('problem-detail'), null);
    if (!answer) {
      say(heading, 'follow.offline.heading');
      text = 'follow.offline.text';
    } else if (answer.status === 404) {
      say(heading, 'follow.invalid.heading');
      text = 'follow.invalid.text';
    } else if (answer.status === 410) {
      say(heading, 'follow.expired.heading');
      text = 'follow.expired.text';
    } else {
      say(heading, 'follow.error.heading', { status: answer.status });
    }
    say($('problem-text'), text);
    const closedOn = answer?.status === 410 && answer.body?.closed_on;
    if (closedOn) {
      // The closing day in the reader's words, rather than the server's English sentence.
      const days = answer.body.expiry_days;
      say($('problem-detail'), 'follow.expired.closedOn', { date: formatDay(closedOn), days });
    } else if (answer && answer.status !== 404 && answer.body?.detail) {
      $('problem-detail').textContent = answer.body.detail;
    }
    const final = answer && (answer.status === 404 || answer.status === 410);
    $('retry').hidden = Boolean(final);
    $('new-report').hidden = !final;
  }

  renderSubscription() {
    const box = $('unsubscribe-box');
    // A link the app got for a report made without an email: no email to stop.
    box.hidden = this.data.emails === false;
    if (box.hidden) return;
    const subscribed = this.data.subscribed;
    $('unsubscribe').hidden = !subscribed;
    if (!subscribed) say($('unsubscribe-text'), 'follow.unsubscribe.off');
    else if (this.unsubscribePath) say($('unsubscribe-text'), 'follow.unsubscribe.ask');
    else say($('unsubscribe-text'), 'follow.unsubscribe.text');
  }

  /** Show a refusal in `errorId`, with the server's own words in `detailId`. */
  refused(answer, errorId, detailId) {
    if (!answer) {
      say($(errorId), 'follow.offline.action');
      say($(detailId), null);
      return;
    }
    say($(errorId), refusalKey(answer, actionRefusal), { status: answer.status });
    say($(detailId), null);
    const detail = answer.body?.errors?.[0]?.detail || answer.body?.detail;
    if (detail) $(detailId).textContent = detail;
  }

  async sendComment() {
    const input = $('comment');
    const body = plainText(input.value);
    say($('comment-done'), null);
    say($('comment-detail'), null);
    if (!flagField(input, $('comment-error'), body ? null : 'follow.comment.empty')) return;
    const button = $('comment-form').querySelector('button[type="submit"]');
    button.disabled = true;
    let answer = null;
    try {
      answer = await this.api.comment(body);
    } catch {
      answer = null;
    } finally {
      button.disabled = false;
    }
    if (answer?.status === 201) {
      input.value = '';
      await this.load();
      say($('comment-done'), 'follow.comment.done');
      return;
    }
    this.refused(answer, 'comment-error', 'comment-detail');
  }

  async say(what) {
    const buttons = [$('say-fixed'), $('say-not-fixed')];
    for (const button of buttons) button.disabled = true;
    say($('say-done'), null);
    say($('fixed-error'), null);
    say($('fixed-detail'), null);
    const comment = plainText($('fixed-comment').value);
    let answer = null;
    try {
      answer = await (what === 'fixed' ? this.api.fixed(comment) : this.api.notFixed(comment));
    } catch {
      answer = null;
    } finally {
      for (const button of buttons) button.disabled = false;
    }
    if (answer?.status === 200) {
      $('fixed-comment').value = '';
      this.data = answer.body;
      renderReport(this.data);
      this.addPhoto.render(this.data);
      this.renderSubscription();
      say($('say-done'), what === 'fixed' ? 'follow.fixed.thanks' : 'follow.fixed.reopened');
      // The buttons may be gone with the new status: the message keeps the keyboard's place.
      $('say-done').focus();
      return;
    }
    this.refused(answer, 'fixed-error', 'fixed-detail');
  }

  async unsubscribe() {
    const button = $('unsubscribe');
    button.disabled = true;
    say($('unsubscribe-error'), null);
    say($('unsubscribe-detail'), null);
    let answer = null;
    try {
      answer = await this.api.unsubscribe();
    } catch {
      answer = null;
    } finally {
      button.disabled = false;
    }
    if (answer?.status === 204) {
      this.data.subscribed = false;
      this.renderSubscription();
      say($('unsubscribe-done'), 'follow.unsubscribe.done');
      $('unsubscribe-done').focus();
      return;
    }
    this.refused(answer, 'unsubscribe-error', 'unsubscribe-detail');
  }
}

// The window's title names the page as its tagline does, in the page's language.
function showTitle() {
  document.title = `${t('app.title')} — ${$('follow-tagline').textContent}`;
}

async function main() {
  onLanguageChange(showTitle);
  startLanguage($('lang'));
  const page = new FollowPage();
  if (page.confirmPath) {
    page.showConfirm();
    document.body.dataset.ready = 'true';
    return;
  }
  await page.load();
  // Category and commune are named by the server in the language asked for: ask again.
  onLanguageChange(() => {
    if (page.data) page.load();
  });
  if (page.unsubscribePath && page.data?.subscribed) $('unsubscribe-heading').focus();
  document.body.dataset.ready = 'true';
}

main();
