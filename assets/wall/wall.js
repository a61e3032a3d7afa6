// IOC wall screen: rotates its playlist forever, refreshes without overlap, keeps the last
// figures (and says so) when the server is away, reloads itself every few hours and at night.
// Everything from the server is put in the page as text, never as HTML.
(function () {
  "use strict";
  // Data, not a script: the Content-Security-Policy runs no inline script.
  var settings = JSON.parse(document.getElementById("ioc-wall-settings").textContent);
  var params = new URLSearchParams(location.search);
  var speed = Math.max(1, Number(params.get("speed")) || 1);          // tests accelerate rotation
  var loadedAt = Date.now();
  var state = { doc: null, index: 0, receivedAt: null, rotations: 0, offline: false, polls: 0, revoked: false };
  window.__wall = state;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Local time of the IOC's zone (settings.offset, minutes from UTC), whatever the screen's clock zone.
  function localTime(date) {
    var local = new Date(date.getTime() + settings.offset * 60 * 1000);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(local.getUTCHours()) + ":" + pad(local.getUTCMinutes()) + " " + pad(local.getUTCDate()) + "/" +
      pad(local.getUTCMonth() + 1) + "/" + local.getUTCFullYear();
  }

  function renderTiles(slide, main) {
    var grid = el("div", "tiles tiles-" + slide.tiles.length);
    slide.tiles.forEach(function (t) {
      var tile = el("section", "tile tile-" + t.colour + (t.stale ? " tile-stale" : "") + (t.alert ? " tile-alert" : ""));
      tile.appendChild(el("div", "tile-title", t.title));
      tile.appendChild(el("div", "tile-value", t.value));
      if (t.change) tile.appendChild(el("div", "tile-change", t.change));
      if (t.target) tile.appendChild(el("div", "tile-target", t.target));
      if (t.status) tile.appendChild(el("div", "tile-status", t.status));
      var foot = el("div", "tile-foot");
      foot.appendChild(el("span", "as-of", t.as_of));
      if (t.stale) foot.appendChild(el("span", "badge badge-stale", t.stale_text));
      else if (t.partial_text) foot.appendChild(el("span", "badge badge-partial", t.partial_text));
      tile.appendChild(foot);
      grid.appendChild(tile);
    });
    main.appendChild(grid);
  }

  function renderGrid(slide, main) {
    var table = el("table", "heat");
    var head = el("tr");
    slide.grid.header.forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    slide.grid.rows.forEach(function (r) {
      var tr = el("tr", r.stale ? "row-stale" : "");
      var code = el("td", "code", r.code);
      if (r.stale) code.appendChild(el("span", "stale-mark", r.stale_text));
      tr.appendChild(code);
      tr.appendChild(el("td", "stage", r.stage));
      r.cells.concat([r.score]).forEach(function (c) { tr.appendChild(el("td", "cell cell-" + c.colour, c.value)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    main.appendChild(table);
    var foot = el("div", "grid-foot");
    foot.appendChild(el("span", "as-of", slide.grid.as_of));
    if (slide.grid.partial_text) foot.appendChild(el("span", "badge badge-partial", slide.grid.partial_text));
    main.appendChild(foot);
  }

  function renderAlerts(slide, main) {
    var list = el("ul", "alerts");
    var shown = slide.alerts.slice(0, 8);
    if (!shown.length) list.appendChild(el("li", "no-alerts", state.doc.text.no_alerts));
    shown.forEach(function (a) {
      var li = el("li", "alert alert-" + a.severity);
      li.appendChild(el("span", "alert-kind", a.kind));
      li.appendChild(el("span", "alert-subject", a.subject));
      li.appendChild(el("span", "alert-detail", a.detail));
      list.appendChild(li);
    });
    if (slide.alerts.length > shown.length) list.appendChild(el("li", "more", "+" + (slide.alerts.length - shown.length)));
    main.appendChild(list);
  }

  function render() {
    var doc = state.doc;
    if (!doc || !doc.slides.length) return;
    state.index = state.index % doc.slides.length;
    var slide = doc.slides[state.index];
    var main = document.getElementById("slide");
    var fresh = el("main", "slide slide-" + slide.kind);
    fresh.id = "slide";
    fresh.setAttribute("data-panel", slide.panel);
    if (slide.kind === "tiles") renderTiles(slide, fresh);
    else if (slide.kind === "grid") renderGrid(slide, fresh);
    else renderAlerts(slide, fresh);
    main.replaceWith(fresh);   // the old slide's nodes are dropped whole: nothing accumulates
    document.getElementById("screen-title").textContent = doc.title + " · " + doc.week;
    document.getElementById("slide-title").textContent = slide.title;
    var dots = document.getElementById("dots");
    dots.textContent = "";
    doc.slides.forEach(function (_, i) { dots.appendChild(el("span", i === state.index ? "dot on" : "dot")); });
  }

  function rotate() {
    if (state.doc && state.doc.slides.length) {
      state.index = (state.index + 1) % state.doc.slides.length;
      state.rotations += 1;
      render();
    }
    var seconds = state.doc && state.doc.slides.length ? state.doc.slides[state.index].seconds : 5;
    setTimeout(rotate, seconds * 1000 / speed);
  }

  function setOffline(offline) {
    state.offline = offline;
    var banner = document.getElementById("offline");
    banner.hidden = !offline;
    banner.textContent = offline ? (state.doc ? state.doc.text.offline : settings.text.offline) + " " +
      (state.receivedAt ? localTime(state.receivedAt) : "—") : "";
    document.body.classList.toggle("is-offline", offline);
  }

  // The screen's device was revoked: its figures go, the message stays, and it asks no more.
  function showRevoked(message) {
    state.revoked = true;
    document.body.className = "wall";
    document.body.textContent = "";
    var main = el("main", "revoked", message);
    main.id = "revoked";
    document.body.appendChild(main);
  }

  function poll() {
    var url = settings.api + "&screen=" + encodeURIComponent(settings.screen);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    fetch(url, { cache: "no-store", signal: controller.signal })
      .then(function (response) {
        if (response.status === 403) {
          return response.json().then(function (body) {
            if (body && body.revoked) showRevoked(body.error);
            throw new Error("HTTP 403");
          });
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (doc) {
        state.doc = doc;
        state.receivedAt = new Date();
        state.polls += 1;
        setOffline(false);
        render();
      })
      .catch(function () { if (!state.revoked) setOffline(true); })
      .finally(function () {
        clearTimeout(timer);
        if (state.revoked) return;
        // The next poll is scheduled only once this one ended: refreshes never overlap.
        var every = Number(params.get("refresh")) || (state.doc ? state.doc.refresh_seconds : 30);
        setTimeout(poll, every * 1000);
      });
  }

  function maybeReload() {
    if (!state.doc) return;
    var hours = (Date.now() - loadedAt) / 3600000;
    var localHour = new Date(Date.now() + settings.offset * 60 * 1000).getUTCHours();
    var nightly = localHour === state.doc.reload_at_local_hour && hours > 1;
    if (hours >= state.doc.reload_every_hours || nightly) {
      // Reload only into a server that answers: an offline reload would show an error page.
      fetch(settings.health, { cache: "no-store" }).then(function (r) { if (r.ok) location.reload(); }).catch(function () {});
    }
  }

  function tick() {
    document.getElementById("clock").textContent = localTime(new Date());
  }

  state.show = function (i) { state.index = i; render(); };   // for screenshots of each slide

  tick();
  setInterval(tick, 10000);
  setInterval(maybeReload, 60000);
  poll();
  setTimeout(rotate, 5000 / speed);
})();
