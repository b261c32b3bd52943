// Material for MkDocs downloads the whole site's search index (every council's policy text:
// about 0.3 MB at 4 councils, 5 MB at 64) on the first page a reader opens, whether or not
// they search. This file holds that one request back until the reader goes to the search
// box (focus, the search button, a keyboard shortcut, or a link that carries a search), so a
// tool page's download does not grow with the number of councils. Material makes the request
// with XMLHttpRequest (assets/javascripts/bundle.*.js, `search/search_index.json`); every
// other request passes through untouched. Loaded in <head>, before Material's bundle.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var wanted = false;
  var waiting = [];

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.daSearchIndex = INDEX.test(new URL(String(url), location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (xhr.daSearchIndex && !wanted) {
      waiting.push(function () { send.apply(xhr, args); });
      return undefined;
    }
    return send.apply(xhr, args);
  };

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-md-component=search-query]")) want();
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("label[for=__search]")) want();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) want();
  });
  if (/[?&](q|h)=/.test(location.search)) want(); // a shared search, a highlighted result
})();
