// TokenHub single-page app (capture): the page is built from /api/pages/<route> after load.
(function () {
  var route = (window.__TH__ && window.__TH__.route) || location.pathname;
  var url = "/api/pages" + (route === "/models" ? "/models/index.json" : route);
  fetch(url, {headers: {"Accept": "application/json"}})
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (page) {
      // the real app animates in; the content arrives a moment after the data
      setTimeout(function () {
        document.title = page.title;
        document.getElementById("app").innerHTML = page.html;
      }, 300);
    })
    .catch(function (err) {
      document.getElementById("app").innerHTML = '<p class="error">Could not load this page: ' + err.message + '</p>';
    });
})();
