// "Exit this page" (GOV.UK Design System pattern): the button at the top of every page, or
// pressing Shift 3 times within 5 seconds, forgets the tools' answers, blanks the page and
// replaces this page in the browser history with the exit page (mkdocs.yml
// extra.exit_page_url, by default the site's neutral page), so Back does not return to it.
// No inline handlers; works with Material's instant navigation (the button is looked up
// each time, listeners sit on window).
(function () {
  "use strict";
  const PRESSES = 3;
  const WINDOW_MS = 5000;
  let count = 0;
  let timer = null;
  let lastKeyWasModified = false;
  let exiting = false;

  function button() { return document.querySelector("[data-da-exit]"); }

  function announce(text) {
    const live = document.querySelector("[data-da-exit-live]");
    if (live) live.textContent = text;
  }

  function showCount(n) {
    const indicator = document.querySelector("[data-da-exit-indicator]");
    if (!indicator) return;
    indicator.hidden = n === 0;
    Array.prototype.forEach.call(indicator.children, (dot, i) => dot.classList.toggle("is-on", i < n));
  }

  function reset(message) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    count = 0;
    showCount(0);
    if (message) announce(message);
  }

  function exitPage() {
    const link = button();
    if (!link || exiting) return;
    exiting = true;
    const target = link.href;
    try {
      if (typeof window.daForgetAll === "function") window.daForgetAll();
    } catch (err) { /* leave anyway */ }
    document.title = "Loading";
    document.body.replaceChildren();
    document.body.setAttribute("data-da-exited", "");
    location.replace(target);
  }

  // Capture phase on window: runs before Material's instant navigation, which would
  // otherwise add a history entry instead of replacing this one.
  window.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("[data-da-exit]") : null;
    if (!link) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    exitPage();
  }, true);

  window.addEventListener("keyup", (event) => {
    if (event.key === "Shift" && !lastKeyWasModified && button()) {
      count += 1;
      showCount(count);
      if (count >= PRESSES) {
        reset("");
        exitPage();
        return;
      }
      announce("Shift, press " + (PRESSES - count) + " more time" + (PRESSES - count === 1 ? "" : "s") + " to exit.");
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => reset("Exit this page expired."), WINDOW_MS);
    } else if (timer !== null) {
      reset(""); // any other key stops the count
    }
    lastKeyWasModified = event.shiftKey;
  }, true);

  // Restored from the back/forward cache after leaving: show a fresh page, not a blank one.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && exiting) location.reload();
  });
})();
