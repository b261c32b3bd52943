// Decision widget glue: mounts on [data-tool] elements, posts answers to one shared Web
// Worker (Pyodide + py_tools) and inserts the HTML that Python renders. No decision logic
// here, and nothing is written to storage, cookies or the URL.
(function () {
  "use strict";
  const workerURL = new URL("worker.js", document.currentScript ? document.currentScript.src : location.href);
  let worker = null;
  let engineState = "loading"; // loading | ready | error
  let bootError = "";
  const widgets = new Map(); // id -> {root, seq}
  let nextId = 0;

  function today() {
    return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  // The viewer's date as data (ISO): the engine decides with it whether a review date has
  // passed, so a site built long ago still warns. No date comparison here.
  function isoToday() {
    const d = new Date();
    return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, "0"),
      String(d.getDate()).padStart(2, "0")].join("-");
  }
  const reviewChecks = new Map(); // id -> [data-review-check] element

  function setStatus(root, text) {
    const status = root.querySelector("[data-status]");
    if (status) status.textContent = text;
  }

  function showError(root, message) {
    root.setAttribute("data-engine", "error");
    const fallback = root.querySelector("[data-fallback]");
    if (fallback) fallback.hidden = false;
    setStatus(root, "The interactive tool could not start in this browser" +
      (message ? " (" + message + ")" : "") + ". Use the outline and the policy text below.");
  }

  function broadcast() {
    for (const w of widgets.values()) {
      if (engineState === "error") showError(w.root, bootError);
      else if (engineState === "ready") {
        w.root.setAttribute("data-engine", "ready");
        if (!w.asked) setStatus(w.root, "The decision engine is ready.");
      }
    }
  }

  function ensureWorker() {
    if (worker || engineState === "error") return worker;
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      engineState = "error";
      bootError = "WebAssembly or Web Workers are not available";
      broadcast();
      return null;
    }
    try {
      worker = new Worker(workerURL, { type: "module" });
    } catch (err) {
      engineState = "error";
      bootError = String(err && err.message || err);
      broadcast();
      return null;
    }
    worker.onmessage = onMessage;
    worker.onerror = (event) => {
      engineState = "error";
      bootError = event.message || "the engine failed to load";
      broadcast();
    };
    return worker;
  }

  function onMessage(event) {
    const msg = event.data || {};
    if (msg.type === "ready") {
      engineState = "ready";
      performance.mark("da-engine-ready");
      broadcast();
      return;
    }
    if (msg.type === "boot-error") {
      engineState = "error";
      bootError = msg.message;
      broadcast();
      return;
    }
    if (msg.type === "review") {
      const box = reviewChecks.get(msg.id);
      if (box) {
        box.innerHTML = msg.html;
        box.setAttribute("data-review-checked", msg.today || "");
        reviewChecks.delete(msg.id);
      }
      return;
    }
    const w = widgets.get(msg.id);
    if (!w || msg.seq !== w.seq) return; // a newer request is on its way
    if (msg.type === "error") {
      setStatus(w.root, "Something went wrong: " + msg.message);
      return;
    }
    if (msg.type === "step") render(w, msg);
  }

  function render(w, msg) {
    const body = w.root.querySelector("[data-body]");
    body.innerHTML = msg.html;
    w.asked = msg.asked.length;
    w.root.setAttribute("data-stage", msg.stepType);
    let focusTarget;
    if (msg.stepType === "question") {
      const legend = body.querySelector(".da-question__text");
      setStatus(w.root, msg.error ? "There is a problem: " + msg.error
        : "Question " + (msg.asked.length + 1) + ": " + (legend ? legend.textContent : ""));
      focusTarget = msg.error ? body.querySelector("input") : legend;
    } else {
      const count = body.querySelectorAll("[data-action-code]").length;
      setStatus(w.root, "Outcome ready: " + count + " item" + (count === 1 ? "" : "s") +
        ". Check your answers and the actions below.");
      focusTarget = body.querySelector(".da-outcome__title") || body.querySelector("h2");
    }
    if (focusTarget) focusTarget.focus({ preventScroll: false });
    performance.mark("da-step-rendered");
  }

  function send(w, message) {
    if (!ensureWorker()) { showError(w.root, bootError); return; }
    w.seq += 1;
    worker.postMessage(Object.assign({
      id: w.id, seq: w.seq, tool: w.root.dataset.tool, council: w.root.dataset.council,
      uid: w.root.dataset.uid, base: w.root.dataset.base || "", date: today(), today: isoToday(),
    }, message));
    if (engineState === "loading") {
      setStatus(w.root, "Answer kept. The decision engine is still starting; the next step appears in a moment.");
    }
  }

  function answerOf(form) {
    const fieldset = form.querySelector("fieldset[data-question]");
    const fact = fieldset.getAttribute("data-question");
    const checked = form.querySelector("input[type=radio]:checked");
    const number = form.querySelector("input[data-score-input]");
    let value = null;
    if (number && number.value.trim() !== "") value = number.value.trim();
    if (checked) value = checked.value;
    const reported = form.querySelector("input[data-reported-input]");
    if (reported) value = reported.value;
    return { fact: fact, value: value };
  }

  function copyRecord(root) {
    const area = root.querySelector("[data-record]");
    const note = root.querySelector("[data-copied]");
    const done = () => { if (note) note.textContent = "Record copied. Paste it into the case management system."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done, () => { area.select(); document.execCommand("copy"); done(); });
    } else {
      area.select();
      document.execCommand("copy");
      done();
    }
  }

  function mount(root) {
    if (root.hasAttribute("data-mounted")) return;
    root.setAttribute("data-mounted", "");
    const w = { id: "w" + (nextId++), root: root, seq: 0, asked: 0 };
    widgets.set(w.id, w);
    root.addEventListener("submit", (event) => {
      event.preventDefault();
      const answer = answerOf(event.target);
      send(w, { type: "answer", fact: answer.fact, value: answer.value });
    });
    root.addEventListener("change", (event) => {
      // choosing "Not completed" clears a typed score, and typing a score clears the radio
      const t = event.target;
      const form = t.form;
      if (!form) return;
      if (t.matches("input[data-score-input]") && t.value !== "") {
        form.querySelectorAll("input[type=radio]").forEach((r) => { r.checked = false; });
      } else if (t.matches("input[type=radio]")) {
        const n = form.querySelector("input[data-score-input]");
        if (n) n.value = "";
      }
    });
    root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (!button || !root.contains(button)) return;
      const action = button.getAttribute("data-action");
      if (action === "back" || action === "restart") send(w, { type: action });
      else if (action === "change") send(w, { type: "change", fact: button.getAttribute("data-fact") });
      else if (action === "copy") copyRecord(root);
      else if (action === "print") window.print();
    });
    if (engineState !== "loading") broadcast();
    // the worker fetches this council's rules (only those) while the runtime starts
    if (ensureWorker()) worker.postMessage({ type: "prepare", council: root.dataset.council });
  }

  function sweep() {
    for (const [id, w] of widgets) {
      if (!w.root.isConnected) {
        widgets.delete(id);
        if (worker) worker.postMessage({ type: "forget", id: id });
      }
    }
    document.querySelectorAll("[data-tool][data-council]").forEach(mount);
    // A policy page: the notice written at build is shown when the viewer's date (ISO, so
    // the dates compare as text) is after the review date the build wrote; no runtime loads.
    document.querySelectorAll("[data-review-check][data-review-due]:not([data-review-mounted])").forEach((box) => {
      box.setAttribute("data-review-mounted", "");
      const today = isoToday();
      const notice = box.querySelector("template[data-review-notice]");
      box.querySelectorAll("[data-review-passed]").forEach((old) => old.remove());
      if (notice && today > box.getAttribute("data-review-due")) box.prepend(notice.content.cloneNode(true));
      box.setAttribute("data-review-checked", today);
    });
    document.querySelectorAll("[data-review-check]:not([data-review-mounted])").forEach((box) => {
      box.setAttribute("data-review-mounted", "");
      if (!ensureWorker()) return; // the notice decided at build stays
      const id = "r" + (nextId++);
      reviewChecks.set(id, box);
      worker.postMessage({ type: "review", id: id, council: box.getAttribute("data-review-council"),
        page: box.getAttribute("data-review-page") || "", today: isoToday() });
    });
  }

  // Clears every answer held in memory (used by "Exit this page").
  window.daForgetAll = function () {
    if (worker) worker.postMessage({ type: "forget-all" });
    for (const w of widgets.values()) {
      const body = w.root.querySelector("[data-body]");
      if (body) body.innerHTML = "";
    }
    widgets.clear();
  };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(sweep);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sweep);
  } else {
    sweep();
  }
})();
