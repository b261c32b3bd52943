// Compare councils: show or hide each council's column as the reader ticks the boxes of
// [data-compare-chooser] (made by py_tools/publications/compare_choice.py). Display only: no decision
// logic, nothing stored; without JavaScript every column stays visible.
(function () {
  "use strict";

  function apply(chooser) {
    const shown = [];
    chooser.querySelectorAll("input[data-compare-council]").forEach((box) => {
      if (box.checked) shown.push(box.value);
      document.querySelectorAll('table[data-compare-topic] [data-council="' + box.value + '"]')
        .forEach((cell) => { cell.hidden = !box.checked; });
    });
    const status = chooser.querySelector("[data-compare-status]");
    if (status) status.textContent = shown.length + " of " +
      chooser.querySelectorAll("input[data-compare-council]").length + " councils shown.";
  }

  function mount() {
    document.querySelectorAll("[data-compare-chooser]").forEach((chooser) => {
      if (chooser.hasAttribute("data-mounted")) return;
      chooser.setAttribute("data-mounted", "");
      chooser.hidden = false;
      chooser.addEventListener("change", () => apply(chooser));
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
