"""Every notebook in a real JupyterLab in a real browser: Run All, then every widget control
changed at least once; no widget error, no traceback, every chart drawn (not blank) after
every change, and the explorer's table or chart updates with each change.

Needs the system Chromium (``apt-get install chromium``); without it these tests are
skipped with a loud note at the end of the test run (tests/browser/conftest.py).
"""

from __future__ import annotations

import pytest

from .conftest import ROOT, SCREENSHOTS

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT_MS = 600_000
CHANGE_TIMEOUT_MS = 120_000
#: a chart whose pixels vary less than this (luminance variance, 0-255 scale) is blank
MIN_PIXEL_VARIANCE = 50.0

#: every code cell has run - or one failed (Run All stops there: the error is reported)
_ALL_CODE_CELLS_RUN = """(panel) => {
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || '');
  const failed = [...panel.querySelectorAll('.jp-OutputArea-output')].some(
    o => (o.getAttribute('data-mime-type') || '').includes('stderr')
         && o.textContent.includes('Traceback'));
  return failed || (cells.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p)));
}"""
_IDLE = """() => !!document.querySelector("[data-status='idle']")"""

_PIXEL_VARIANCE = """async (img) => {
  if (!img.complete) { await new Promise(r => { img.onload = r; img.onerror = r; }); }
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  if (!c.width || !c.height) return 0;
  const x = c.getContext('2d');
  x.drawImage(img, 0, 0);
  const d = x.getImageData(0, 0, c.width, c.height).data;
  let s = 0, s2 = 0, n = 0;
  for (let i = 0; i < d.length; i += 4 * 3) {
    const l = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    s += l; s2 += l * l; n++;
  }
  const m = s / n;
  return s2 / n - m * m;
}"""

_SIGNATURE = """(root) => [...root.querySelectorAll('img')].map(i => i.src.length + ':' +
  i.src.slice(-200)).join('|') + '#' + [...root.querySelectorAll('table')].map(t =>
  t.innerText).join('|')"""


#: some code cell has started (a "[*]" or "[n]" prompt)
_STARTED = """(panel) => [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some(
  e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"""


def _run_all(page, panel) -> None:
    """Run All Cells, and once more if no cell has started within a minute: the first
    notebook of a fresh JupyterLab can drop a command issued while it is still loading."""
    for attempt in range(2):
        _menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(_STARTED, arg=panel.element_handle(), timeout=60_000)
            return
        except Exception:  # playwright TimeoutError: nothing started
            if attempt:
                raise
            page.wait_for_function(_IDLE, timeout=90_000)


def _menu(page, menu: str, item: str) -> None:
    page.click(f".lm-MenuBar-itemLabel:text-is('{menu}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def _check_page(page, where: str) -> None:
    text = _panel(page).inner_text()
    assert "Error displaying widget" not in text, f"{where}: a widget failed to display"
    if "Traceback" in text:
        start = text.index("Traceback")
        pytest.fail(f"{where}: a Python traceback is shown: …{text[start - 300:start + 1500]}")
    errors = _panel(page).locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          ":has-text('Error')")
    assert errors.count() == 0, f"{where}: an error output is shown: {errors.first.inner_text()}"


def _check_images(page, scope, where: str) -> int:
    images = scope.locator("img")
    for i in range(images.count()):
        variance = images.nth(i).evaluate(_PIXEL_VARIANCE)
        assert variance > MIN_PIXEL_VARIANCE, f"{where}: chart {i + 1} is blank ({variance:.1f})"
    return images.count()


def _wait_for_change(page, root, before: str, where: str) -> None:
    handle = root.element_handle()
    page.wait_for_function(f"([root, before]) => ({_SIGNATURE})(root) !== before",
                           arg=[handle, before], timeout=CHANGE_TIMEOUT_MS)
    page.wait_for_function(_IDLE, timeout=CHANGE_TIMEOUT_MS)


def _panel(page):
    """The notebook on show (other tabs stay in the page, hidden)."""
    return page.locator(".jp-NotebookPanel >> visible=true").first


def _drive_explorer(page, root, where: str) -> int:
    """Change every dropdown and slider of one explorer; returns the changes made."""
    changes = 0
    selects = root.locator(".widget-dropdown select")
    # last first: a choice in an earlier dropdown may switch a later one off (a measure
    # charted for the whole programme only has no practice choice)
    for i in reversed(range(selects.count())):
        select = selects.nth(i)
        options = select.locator("option")
        if options.count() < 2:
            continue
        current = select.evaluate("s => s.selectedIndex")
        target = options.count() - 1 if current == 0 else 0
        before = root.evaluate(_SIGNATURE)
        select.select_option(index=target)
        _wait_for_change(page, root, before, f"{where}, dropdown {i + 1}")
        _check_page(page, f"{where}, dropdown {i + 1}")
        assert _check_images(page, root, f"{where}, dropdown {i + 1}") >= 1
        changes += 1
    sliders = root.locator(".widget-slider")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        handle = slider.locator(".noUi-handle").first
        low, high, now = (float(handle.get_attribute(a)) for a in
                          ("aria-valuemin", "aria-valuemax", "aria-valuenow"))
        target = low + (high - low) * (0.5 if abs(now - (low + high) / 2) > 1e-9 else 0.25)
        readout = slider.locator(".widget-readout")
        before = root.evaluate(_SIGNATURE)
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{target:.4f}")
        page.keyboard.press("Enter")
        _wait_for_change(page, root, before, f"{where}, slider {i + 1}")
        _check_page(page, f"{where}, slider {i + 1}")
        assert _check_images(page, root, f"{where}, slider {i + 1}") >= 1
        changes += 1
    return changes


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_widgets_draw_in_jupyterlab(lab_server, browser, name):
    page = browser.new_page()
    try:
        # a workspace of its own, reset: only this notebook is open
        stem = name.removesuffix(".ipynb")
        page.goto(f"{lab_server['url']}/lab/workspaces/{stem}/tree/{name}?reset")
        page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator", state="attached",
                               timeout=90_000)
        page.wait_for_function(_IDLE, timeout=90_000)
        panel = _panel(page)
        _menu(page, "Edit", "Clear Outputs of All Cells")
        panel.evaluate("p => p.querySelectorAll('.jp-OutputArea-output').length === 0")
        page.wait_for_function("(p) => ![...p.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                               ".some(e => /\\[\\d+\\]/.test(e.textContent))",
                               arg=panel.element_handle(), timeout=30_000)
        try:
            _run_all(page, panel)
            page.wait_for_function(_ALL_CODE_CELLS_RUN, arg=panel.element_handle(),
                                   timeout=RUN_TIMEOUT_MS)
            page.wait_for_function(_IDLE, timeout=RUN_TIMEOUT_MS)
        except Exception as exc:  # keep what the page showed, for the CI artifacts
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{stem}-failed.png"), full_page=True)
            prompts = panel.evaluate("p => [...p.querySelectorAll('.jp-CodeCell "
                                     ".jp-InputPrompt')].map(e => e.textContent).join(' ')")
            status = page.evaluate("() => [...document.querySelectorAll('[data-status]')]"
                                   ".map(e => e.getAttribute('data-status')).join(' ')")
            pytest.fail(f"{name}: Run All did not finish ({type(exc).__name__}); prompts: "
                        f"{prompts}; kernel status: {status}; screenshot {stem}-failed.png")
        _check_page(page, name)
        _check_images(page, panel.locator(".jp-OutputArea"), name)
        roots = panel.locator(".jp-OutputArea-output:has(.widget-dropdown, .widget-slider)")
        changes = sum(_drive_explorer(page, roots.nth(i), f"{name}, explorer {i + 1}")
                      for i in range(roots.count()))
        has_explorer = "wb.widgets." in (ROOT / "notebooks" / name).read_text(encoding="utf-8")
        assert (changes > 0) == has_explorer, f"{name}: {changes} widget changes made"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if roots.count():
            roots.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{stem}.png"))
    finally:
        page.close()
