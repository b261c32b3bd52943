// Material for MkDocs expects four helpers on window (__md_scope, __md_hash, __md_get,
// __md_set) and normally defines them in an inline <script> that keeps UI state (palette,
// content tabs, dismissed announcement, version banner, repository facts) in Web Storage
// (local and session). This file replaces those inline scripts, so that:
//  - the Content Security Policy needs no 'unsafe-inline' for scripts, and
//  - nothing is written to browser storage: the state lives in memory for this tab and is
//    gone when the page is closed or left (Material's instant navigation keeps it in between).
// It is loaded twice by overrides/partials/javascripts/: once in <head> (helpers) and once
// after the content with data-md-content (select a content tab named by the URL fragment,
// which Material also did inline).
(function () {
  "use strict";
  var script = document.currentScript;

  if (script && script.hasAttribute("data-md-content")) {
    if (script.hasAttribute("data-md-tabs-link") && typeof window.__md_get === "function") {
      var tabs = window.__md_get("__tabs");
      if (Array.isArray(tabs)) {
        document.querySelectorAll(".tabbed-set").forEach(function (set) {
          var labels = set.querySelector(".tabbed-labels");
          if (!labels) return;
          for (var i = 0; i < tabs.length; i++) {
            var found = Array.prototype.find.call(labels.getElementsByTagName("label"), function (label) {
              return label.innerText.trim() === tabs[i];
            });
            if (found) { document.getElementById(found.htmlFor).checked = true; return; }
          }
        });
      }
    }
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
    return;
  }

  var memory = new Map();
  var scope = (script && script.getAttribute("data-scope")) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (value) {
    return Array.from(value).reduce(function (hash, ch) { return (hash << 5) - hash + ch.charCodeAt(0); }, 0);
  };
  // The storage argument Material passes (local or session Web Storage) is ignored.
  window.__md_get = function (key, _storage, base) {
    var name = (base || window.__md_scope).pathname + "." + key;
    return memory.has(name) ? JSON.parse(memory.get(name)) : null;
  };
  window.__md_set = function (key, value, _storage, base) {
    var name = (base || window.__md_scope).pathname + "." + key;
    try { memory.set(name, JSON.stringify(value)); } catch (err) { /* as Material: ignore */ }
  };
})();
