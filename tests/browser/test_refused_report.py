"""A report the server refuses (4xx) stays on the phone with the reason, to fix or delete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import fill_report, marker, open_app, reports_with, send

pytestmark = pytest.mark.slow

# What an old phone may hold: a category removed from the server since the report was queued.
BREAK_CATEGORY = """async (word) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('pave');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const tx = db.transaction('reports', 'readwrite');
  const store = tx.objectStore('reports');
  const all = store.getAll();
  all.onsuccess = () => {
    for (const item of all.result) {
      if ((item.body.description || '').includes(word)) {
        item.body.category = 'abandoned_vehicle';
        store.put(item);
      }
    }
  };
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  db.close();
}"""


def queue_a_report_with_a_removed_category(page: Page, context, word: str):
    open_app(page)
    context.set_offline(True)
    fill_report(page, "Damaged sign", f"Sign bent over {word}")
    send(page)
    page.evaluate(BREAK_CATEGORY, word)
    page.get_by_role("link", name=re.compile("My reports")).click()
    context.set_offline(False)
    item = page.locator("#mine-list > li").first
    expect(item.get_by_text("Needs attention", exact=True)).to_be_visible()
    expect(item).to_contain_text("This category no longer exists: choose another one.")
    return item


def test_a_refused_report_can_be_fixed_and_sent_again(context_without_sw, live_db):
    page = context_without_sw.new_page()
    word = marker()
    item = queue_a_report_with_a_removed_category(page, context_without_sw, word)
    assert reports_with(live_db, word) == []

    item.get_by_role("button", name="Edit").click()
    expect(page.get_by_role("heading", name="Fix the report and send it again")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value(f"Sign bent over {word}")
    page.get_by_role("radio", name="Damaged sign", exact=True).check()
    page.get_by_role("button", name="Save and send again").click()

    item = page.locator("#mine-list > li").first
    expect(item.get_by_text("Sent", exact=True)).to_be_visible()
    [report] = reports_with(live_db, word)
    assert report["category"] == "damaged_sign"


def test_a_refused_report_can_be_deleted(context_without_sw, live_db):
    page = context_without_sw.new_page()
    word = marker()
    item = queue_a_report_with_a_removed_category(page, context_without_sw, word)
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete").click()
    expect(page.locator("#mine-list > li")).to_have_count(0)
    expect(page.get_by_text("You have not made any report from this phone yet.")).to_be_visible()
    assert reports_with(live_db, word) == []
