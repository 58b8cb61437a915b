/* flowmap map page. Every value from the inventory is shown with textContent or DOM
   nodes, never innerHTML; the data comes from the JSON block, never from the network.

   flowmapMap(root, DATA, host) draws the map into root: the page's document, or the
   element of a notebook widget holding the same markup. The page passes no host and
   gets window.flowmap; a widget's host hears of clicks (host.select(id, kind, item))
   and of the first drawing (host.ready(api)), and drives the map through the returned
   api (focusNode, highlight, setView, destroy). */
function flowmapMap(root, DATA, host) {
  "use strict";
  var SEVERITIES = DATA.legend.severities.map(function (s) { return s[0]; });
  var SECTOR_COLOURS = {};
  DATA.legend.sectors.forEach(function (s) { SECTOR_COLOURS[s[0]] = s[2]; });
  var $ = function (id) { return root.querySelector("#" + id); };
  var state = { view: null, pathsOn: false, saved: {}, visibleOrgs: null, focus: null,
                hidden: { nodes: {}, edges: {} }, marked: { nodes: {}, edges: [] },
                order: [], labels: [] };
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  /* A tooltip as DOM: a table of the item's rows and its findings as a list. */
  function tipElement(item) {
    var box = el("div", "fm-tip");
    var table = el("table");
    (item.tip || []).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", "", row[0]));
      tr.appendChild(el("td", "", row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (item.fx && item.fx.length) {
      /* one entry per problem (the findings one fix closes), its note under it */
      box.appendChild(el("div", "fm-tip-h", "Problems"));
      var list = el("ul");
      item.fx.forEach(function (f) {
        var li = el("li");
        if (f[0]) {
          li.appendChild(el("span", "fm-sev fm-sev-" + String(f[0]).replace(/[^a-z]/g, ""), f[0]));
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(document.createTextNode(f[1] + (f[2] ? ": " + f[2] : "")));
        if (f[3]) { li.appendChild(el("div", "fm-tip-note", f[3])); }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box;
  }

  /* Each item's tooltip is an empty <fm-tip> that builds its table (as DOM text) when
     vis-network puts it on screen: appendChild runs connectedCallback before the popup
     is measured, so a map with tens of thousands of links builds only what is hovered. */
  var LAZY = Boolean(window.customElements);
  if (LAZY && !window.customElements.get("fm-tip")) {
    window.customElements.define("fm-tip", class extends HTMLElement {
      connectedCallback() {
        if (!this.firstChild && this.fmItem) { this.appendChild(tipElement(this.fmItem)); }
      }
    });
  }

  /* vis-network draws no labels: the label layer below draws them (sized for the zoom,
     cut with an ellipsis, never on top of one another); the full name is in the tooltip. */
  function withTitle(item) {
    var copy = Object.assign({}, item);
    copy.fmLabel = item.label;
    delete copy.label;
    if (LAZY) {
      copy.title = document.createElement("fm-tip");
      copy.title.fmItem = item;
    } else {
      copy.title = tipElement(item);
    }
    return copy;
  }

  /* The organisations view travels as columns (flowmap/mapview/orgview.py): make its
     vis-network items and tooltip rows here, once, from the counts and string table. */
  var SEVERITY_LABELS = {}, SECTOR_LABELS = {};
  DATA.legend.severities.forEach(function (s) { SEVERITY_LABELS[s[0]] = s[1]; });
  DATA.legend.sectors.forEach(function (s) { SECTOR_LABELS[s[0]] = s[1]; });

  var NUMBER = new Intl.NumberFormat("en-GB");
  function num(n) { return NUMBER.format(n); }

  function shortLabel(name, max) {
    var chars = Array.from(String(name));
    return chars.length <= max ? String(name) : chars.slice(0, max - 1).join("") + "\u2026";
  }

  function decodeOrganisations(v) {
    var S = v.strings, sevs = v.severities, N = v.nodes, F = v.flows, B = v.backups;
    var str = function (i) { return S[i]; };
    var bySevText = function (counts) {
      return counts.map(function (c, i) { return c ? sevs[i] + " " + num(c) : ""; })
        .filter(Boolean).join(", ") || "none";
    };
    var worstText = function (s) { return s === "none" ? "none" : SEVERITY_LABELS[s] || s; };
    var sum = function (xs) { return xs.reduce(function (a, b) { return a + b; }, 0); };
    var nodesOut = N.id.map(function (id, i) {
      var total = sum(N.bySev[i]), fx;
      if (N.findings) {  /* full detail: the most severe problems, one by one */
        fx = N.findings[i].map(function (f) { return [sevs[f[0]], S[f[1]], S[f[2]], S[f[3]]]; });
        if (total > fx.length) {
          fx.push(["", "and " + num(total - fx.length) + " more problems", ""]);
        }
      } else {  /* above the detail limit: the most severe kinds of problem and their counts */
        var listed = 0;
        fx = N.rules[i].map(function (r) {
          listed += r[2];
          return [sevs[r[0]], S[r[1]] + " \u00d7 " + num(r[2]), ""];
        });
        if (total > listed) {
          fx.push(["", "and " + num(total - listed) + " more problems of other kinds", ""]);
        }
      }
      var sector = S[N.sector[i]];
      return Object.assign({}, v.nodeStyles[N.style[i]], {
        id: id, label: N.name[i], x: N.x[i], y: N.y[i], org: id,
        sector: sector, sev: sevs[N.sev[i]], cats: N.cats[i].map(str), fx: fx,
        tip: [["Organisation", N.name[i]], ["Id", id], ["Sector", SECTOR_LABELS[sector] || sector],
              ["DSPT", S[N.dspt[i]]], ["Cyber Essentials Plus", S[N.cePlus[i]]],
              ["Systems", num(N.systems[i])], ["Assets", num(N.assets[i])],
              ["Flows inside", num(N.inside[i])], ["Flows out to partners", num(N.out[i])],
              ["Flows in from partners", num(N.in[i])], ["Problems", bySevText(N.bySev[i]) + " (" + num(N.nFindings[i]) + " findings)"]]
      });
    });
    var flowsOut = F.from.map(function (a, i) {
      var from = N.id[a], to = N.id[F.to[i]], count = F.count[i], sev = sevs[F.sev[i]];
      var cats = F.cats[i].map(str), assets;
      if (F.assets) {
        var names = F.assets[i].map(str);
        if (F.assetCount[i] > names.length) {
          names.push("and " + num(F.assetCount[i] - names.length) + " more");
        }
        assets = names.join("; ");
      } else {
        assets = num(F.assetCount[i]) + " (named in the systems view; left out above the " +
          "detail limit)";
      }
      return Object.assign({}, v.edgeStyles[F.style[i]], {
        id: "flows:" + from + ">" + to, from: from, to: to, sev: sev, weak: F.weak[i] > 0,
        kind: "flow", count: count, cats: cats, fx: [],
        tip: [["Flows", num(count) + " from " + N.name[a] + " to " + N.name[F.to[i]]],
              ["Special-category data", num(F.special[i]) + " of " + num(count) + " flows"],
              ["Weak flows", num(F.weak[i])], ["Worst finding", worstText(sev)],
              ["Flows with findings", bySevText(F.bySev[i])],
              ["Data categories", cats.join("; ") || "unknown"],
              ["Transports", F.transports[i].map(str).join("; ") || "unknown"],
              ["Assets", assets]]
      });
    });
    var backupsOut = B.from.map(function (a, i) {
      var from = N.id[a], to = N.id[B.to[i]];
      return Object.assign({}, v.edgeStyles[B.style[i]], {
        id: "backups:" + from + ">" + to, from: from, to: to, sev: "none", weak: false,
        kind: "backup", count: B.count[i], cats: [], fx: [],
        tip: [["Backups", num(B.count[i]) + " of " + N.name[a] + " systems kept at " +
               N.name[B.to[i]]],
              ["Isolation", B.isolation[i].map(str).join("; ") || "unknown"]]
      });
    });
    v.nodes = nodesOut;
    v.edges = flowsOut.concat(backupsOut);
    v.decoded = true;
  }

  Object.keys(DATA.views).forEach(function (name) {
    var v = DATA.views[name];
    if (v.format === "organisations" && !v.decoded) { decodeOrganisations(v); }
  });

  var view = function () { return DATA.views[state.view]; };
  var network = new vis.Network($("fm-canvas"), { nodes: nodes, edges: edges },
                                DATA.views[DATA.start].options);

  /* Organisation discs behind the systems, drawn on the canvas as text and circles. */
  network.on("beforeDrawing", function (ctx) {
    var halos = view() ? view().halos : [];
    halos.forEach(function (h) {
      if (state.visibleOrgs && !state.visibleOrgs[h.id]) { return; }
      ctx.save();
      ctx.beginPath();
      ctx.arc(h.x, h.y, h.r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.08;
      ctx.fillStyle = SECTOR_COLOURS[h.sector] || "#999999";
      ctx.fill();
      ctx.globalAlpha = 0.5;
      ctx.lineWidth = 2;
      ctx.strokeStyle = SECTOR_COLOURS[h.sector] || "#999999";
      ctx.stroke();
      ctx.restore();
    });
  });

  /* ---- Drawn above everything: attack paths, then labels --------------------------- */
  var LABEL_CHARS = 24, HALO_CHARS = 32, FONT = "system-ui, Arial, sans-serif";
  var widths = {};
  function textWidth(ctx, text, px, bold) {
    var key = (bold ? "b" : "") + px + "|" + text;
    if (!(key in widths)) {
      ctx.font = (bold ? "bold " : "") + px + "px " + FONT;
      widths[key] = ctx.measureText(text).width;
    }
    return widths[key];
  }
  /* Label size follows the zoom: 12 px at 1:1, never below 11 px nor above 16 px. */
  function labelPx(scale) {
    return Math.max(11, Math.min(16, Math.round(12 + 2.5 * Math.log2(Math.max(scale, 1e-3)))));
  }
  function pixelRatio(ctx) {
    return ctx.canvas.clientWidth ? ctx.canvas.width / ctx.canvas.clientWidth : 1;
  }

  function drawPaths(ctx, scale) {
    var v = view();
    if (!state.pathsOn || !v) { return; }
    var width = Math.max(5, 3 / scale);
    ctx.save();
    ctx.strokeStyle = "#c2185b";
    ctx.fillStyle = "#c2185b";
    ctx.lineCap = "round";
    (v.overlay || []).forEach(function (e) {
      var a = network.body.nodes[e.from], b = network.body.nodes[e.to];
      if (!a || !b) { return; }
      var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, dx = b.x - a.x, dy = b.y - a.y;
      var cx = mx - dy * 0.25, cy = my + dx * 0.25;  /* bent, so it is seen over a cluster */
      ctx.lineWidth = width;
      ctx.globalAlpha = 0.9;
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.quadraticCurveTo(cx, cy, b.x, b.y);
      ctx.stroke();
      var tx = b.x - cx, ty = b.y - cy, tl = Math.sqrt(tx * tx + ty * ty) || 1;
      var r = (b.options.size || 12) + width, head = Math.max(14, 9 / scale);
      var px = b.x - tx / tl * r, py = b.y - ty / tl * r;
      ctx.beginPath();
      ctx.moveTo(px, py);
      var ux = tx / tl, uy = ty / tl;
      ctx.lineTo(px - ux * head - uy * head * 0.5, py - uy * head + ux * head * 0.5);
      ctx.lineTo(px - ux * head + uy * head * 0.5, py - uy * head - ux * head * 0.5);
      ctx.closePath();
      ctx.fill();
    });
    (v.pathNodes || []).forEach(function (id) {  /* every system on a path, ringed */
      var n = network.body.nodes[id];
      if (!n || state.hidden.nodes[id]) { return; }
      ctx.globalAlpha = 1;
      ctx.lineWidth = Math.max(3, 2 / scale);
      ctx.beginPath();
      ctx.arc(n.x, n.y, (n.options.size || 12) + Math.max(6, 5 / scale), 0, 2 * Math.PI);
      ctx.stroke();
    });
    ctx.restore();
  }

  /* Labels in screen pixels, most important first; one that would overlap a label
     already placed is left out (zoom in, or hover for the tooltip, to read it). */
  function drawLabels(ctx) {
    var v = view();
    var placed = [], grid = {}, CELL = 64;
    if (!v) { state.labels = placed; return; }
    var scale = network.getScale(), px = labelPx(scale), ratio = pixelRatio(ctx);
    var W = ctx.canvas.clientWidth, H = ctx.canvas.clientHeight;
    function free(box) {
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
          var list = grid[gx + ":" + gy] || [];
          for (var k = 0; k < list.length; k++) {
            var o = list[k];
            if (box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h) {
              return false;
            }
          }
        }
      }
      return true;
    }
    function keep(box) {
      for (var gx = Math.floor(box.x / CELL); gx <= Math.floor((box.x + box.w) / CELL); gx++) {
        for (var gy = Math.floor(box.y / CELL); gy <= Math.floor((box.y + box.h) / CELL); gy++) {
          (grid[gx + ":" + gy] = grid[gx + ":" + gy] || []).push(box);
        }
      }
      placed.push(box);
    }
    if (state.pathsOn) {  /* labels keep clear of the attack paths' rings */
      (v.pathNodes || []).forEach(function (id) {
        var n = network.body.nodes[id];
        if (!n || state.hidden.nodes[id]) { return; }
        var c = network.canvasToDOM({ x: n.x, y: n.y });
        var r = ((n.options.size || 12) + Math.max(6, 5 / scale)) * scale + 3;
        keep({ x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r, ring: true });
      });
    }
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    state.order.forEach(function (item) {
      var halo = item.halo, bold = Boolean(halo || item.id === state.focus);
      var size = bold && !halo ? px + 1 : halo ? px + 1 : px;
      var x, y, r;
      if (halo) {
        if (state.visibleOrgs && !state.visibleOrgs[item.id]) { return; }
        x = item.x; y = item.y - item.r; r = 0;
      } else {
        if (state.hidden.nodes[item.id]) { return; }
        var n = network.body.nodes[item.id];
        if (!n) { return; }
        x = n.x; y = n.y; r = (n.options.size || 12);
      }
      var at = network.canvasToDOM({ x: x, y: y });
      var lines = String(item.text).split("\n").map(function (t, i) {
        return shortLabel(t, halo ? HALO_CHARS : i ? LABEL_CHARS + 8 : LABEL_CHARS);
      });
      var w = 0;
      lines.forEach(function (t) { w = Math.max(w, textWidth(ctx, t, size, bold)); });
      var h = lines.length * (size + 2);
      var top = halo ? at.y - h - 6 : at.y + r * scale + 3;
      var box = { x: at.x - w / 2 - 2, y: top - 1, w: w + 4, h: h + 2, id: item.id,
                  text: lines.join("\n"), full: item.full, px: size };
      if (box.x < 0 || box.x + box.w > W || box.y < 0 || box.y + box.h > H) { return; }
      if (!free(box)) { return; }
      keep(box);
      ctx.font = (bold ? "bold " : "") + size + "px " + FONT;
      lines.forEach(function (t, i) {
        var ty = top + i * (size + 2);
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(t, at.x, ty);
        ctx.fillStyle = halo ? "#222222" : "#1d1d1d";
        ctx.fillText(t, at.x, ty);
      });
    });
    ctx.restore();
    state.labels = placed.filter(function (b) { return !b.ring; });
  }

  network.on("afterDrawing", function (ctx) {
    drawPaths(ctx, network.getScale());
    drawLabels(ctx);
  });

  /* Who gets a label first: the node found by search, organisations (systems view),
     then nodes by worst finding and size. */
  function labelOrder() {
    var v = view(), rank = {};
    SEVERITIES.forEach(function (s, i) { rank[s] = i; });
    var items = v.nodes.map(function (n) {
      return { id: n.id, text: n.label || n.id, full: n.tip && n.tip[0] ? n.tip[0][1] : n.label,
               sev: rank[n.sev] === undefined ? 99 : rank[n.sev], size: n.size || 12 };
    });
    items.sort(function (a, b) {
      return (a.id === state.focus ? -1 : 0) - (b.id === state.focus ? -1 : 0) ||
        a.sev - b.sev || b.size - a.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    var halos = (v.halos || []).map(function (h) {
      return { id: h.id, text: h.label, full: h.label, halo: true, x: h.x, y: h.y, r: h.r };
    });
    var focused = items.length && items[0].id === state.focus ? items.splice(0, 1) : [];
    state.order = focused.concat(halos, items);
  }

  function showDetails(item, kind) {
    var box = $("fm-details");
    clear(box);
    box.appendChild(el("h2", "", kind === "edge" ? "Selected link" : "Selected node"));
    box.appendChild(tipElement(item));
  }

  network.on("click", function (params) {
    var v = view();
    if (params.nodes.length) {
      var n = v.nodes.find(function (x) { return x.id === params.nodes[0]; });
      if (n) {
        showDetails(n, "node");
        if (host && host.select) { host.select(n.id, "node", n); }
      }
    } else if (params.edges.length) {
      var all = v.edges.concat(v.overlay || [], state.marked.edges);
      var e = all.find(function (x) { return x.id === params.edges[0]; });
      if (e) { showDetails(e, "edge"); }
    }
  });

  function fillSelect(select, first, options) {
    var keep = select.value;
    clear(select);
    var o = el("option", "", first);
    o.value = "";
    select.appendChild(o);
    options.forEach(function (pair) {
      var opt = el("option", "", pair[1]);
      opt.value = pair[0];
      select.appendChild(opt);
    });
    select.value = options.some(function (p) { return p[0] === keep; }) ? keep : "";
  }

  function buildFilters() {
    var v = view();
    var orgs = {}, sectors = {}, cats = {};
    (v.halos.length ? v.halos : v.nodes).forEach(function (h) { orgs[h.id] = h.label; });
    v.nodes.forEach(function (n) {
      if (n.sector) { sectors[n.sector] = true; }
      (n.cats || []).forEach(function (c) { cats[c] = true; });
    });
    var orgList = Object.keys(orgs).map(function (k) { return [k, orgs[k]]; });
    orgList.sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; });
    fillSelect($("fm-org"), "All organisations", orgList);
    fillSelect($("fm-sector"), "All sectors", DATA.legend.sectors
      .filter(function (s) { return sectors[s[0]]; }).map(function (s) { return [s[0], s[1]]; }));
    fillSelect($("fm-severity"), "Any severity", DATA.legend.severities
      .filter(function (s) { return s[0] !== "none"; })
      .map(function (s) { return [s[0], s[1] + (s[0] === "info" ? "" : " or worse")]; }));
    fillSelect($("fm-category"), "All data", Object.keys(cats).sort()
      .map(function (c) { return [c, c.replace(/_/g, " ")]; }));
  }

  function applyFilters() {
    var v = view();
    var org = $("fm-org").value, sector = $("fm-sector").value;
    var sev = $("fm-severity").value, cat = $("fm-category").value;
    var worst = sev ? SEVERITIES.indexOf(sev) : SEVERITIES.length;
    var near = null;
    if (org) {  /* the organisation and everything it exchanges data with */
      near = {};
      var mine = {};
      v.nodes.forEach(function (n) { if (n.org === org) { mine[n.id] = true; near[n.id] = true; } });
      v.edges.forEach(function (e) {
        if (mine[e.from]) { near[e.to] = true; }
        if (mine[e.to]) { near[e.from] = true; }
      });
    }
    var shown = {}, orgsShown = {}, hidden = state.hidden;
    var nodeUpdates = [], edgeUpdates = [];
    v.nodes.forEach(function (n) {
      var ok = Boolean((!near || near[n.id]) && (!sector || n.sector === sector) &&
        SEVERITIES.indexOf(n.sev) <= worst && (!cat || (n.cats || []).indexOf(cat) >= 0));
      if (ok) { shown[n.id] = true; orgsShown[n.org] = true; }
      if (Boolean(hidden.nodes[n.id]) === ok) {  /* only what changes is sent to vis */
        hidden.nodes[n.id] = !ok;
        nodeUpdates.push({ id: n.id, hidden: !ok });
      }
    });
    v.edges.forEach(function (e) {
      var ok = Boolean(shown[e.from] && shown[e.to] && (!cat || e.kind === "backup" ||
        (e.cats || []).indexOf(cat) >= 0));
      if (Boolean(hidden.edges[e.id]) === ok) {
        hidden.edges[e.id] = !ok;
        edgeUpdates.push({ id: e.id, hidden: !ok });
      }
    });
    state.visibleOrgs = orgsShown;
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    status();
  }

  function counts() {
    var n = nodes.get({ filter: function (x) { return !x.hidden; } }).length;
    var e = edges.get({ filter: function (x) { return !x.hidden; } }).length;
    return { view: state.view, nodes: n, edges: e, totalNodes: nodes.length,
             totalEdges: edges.length, paths: state.pathsOn };
  }

  function status() {
    var c = counts();
    $("fm-status").textContent = view().title + ": " + c.nodes.toLocaleString("en-GB") +
      " nodes and " + c.edges.toLocaleString("en-GB") + " links shown";
  }

  function setPaths(on) {
    var v = view();
    var overlay = v.overlay || [];
    on = Boolean(on) && overlay.length > 0;
    if (on === state.pathsOn) { return; }
    state.pathsOn = on;
    var button = $("fm-paths");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    var touched = {};
    overlay.forEach(function (e) { touched[e.from] = true; touched[e.to] = true; });
    if (on) {
      edges.add(overlay.map(withTitle));
      var updates = Object.keys(touched).filter(function (id) { return nodes.get(id); })
        .map(function (id) {
          var n = nodes.get(id);
          state.saved[id] = { color: n.color, borderWidth: n.borderWidth };
          return { id: id, borderWidth: 7, color: Object.assign({}, n.color,
            { border: "#c2185b" }) };
        });
      nodes.update(updates);
    } else {
      edges.remove(overlay.map(function (e) { return e.id; }));
      nodes.update(Object.keys(state.saved).map(function (id) {
        return Object.assign({ id: id }, state.saved[id]);
      }));
      state.saved = {};
    }
    network.redraw();
    status();
  }

  function setView(name) {
    if (!DATA.views[name]) { return; }
    if (state.view) { setPaths(false); }
    state.view = name;
    var v = view();
    network.setOptions(v.options);
    nodes.clear();
    edges.clear();
    state.hidden = { nodes: {}, edges: {} };  /* everything is added visible */
    state.marked = { nodes: {}, edges: [] };
    nodes.add(v.nodes.map(withTitle));
    edges.add(v.edges.map(withTitle));
    Array.prototype.forEach.call($("fm-views").children, function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-view") === name ? "true" : "false");
    });
    $("fm-paths").hidden = !(v.overlay && v.overlay.length);
    var banner = $("fm-banner");
    banner.textContent = v.banner || "";
    banner.hidden = !v.banner;
    var notes = $("fm-notes");
    clear(notes);
    (v.notes || []).forEach(function (t) { notes.appendChild(el("li", "", t)); });
    /* "Data-flow map: Organisations"; a page titled as its one view keeps that title */
    var heading = DATA.title && DATA.title !== v.title ? DATA.title + ": " + v.title : v.title;
    $("fm-heading").textContent = heading;
    if (!host) { document.title = heading; }  /* a widget leaves its notebook's title */
    resetDetails();
    state.focus = null;
    labelOrder();
    buildFilters();
    applyFilters();
    network.fit({ animation: false });
  }

  function resetDetails() {
    var box = $("fm-details");
    clear(box);
    box.appendChild(el("h2", "", "Details"));
    box.appendChild(el("p", "fm-hint", "Hover over or click a node or an arrow."));
  }

  function focusNode(id) {
    var n = view().nodes.find(function (x) { return x.id === id; });
    if (!n) { return; }
    state.focus = id;
    labelOrder();
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: false });
    showDetails(n, "node");
  }

  function search(query) {
    var q = String(query || "").trim().toLowerCase();
    if (!q) { return []; }
    return view().nodes.filter(function (n) {
      var name = n.tip && n.tip[0] ? String(n.tip[0][1]) : "";
      return (String(n.id) + "\u0000" + name + "\u0000" + n.label).toLowerCase().indexOf(q) >= 0;
    }).slice(0, 15);
  }

  function showResults() {
    var list = $("fm-results");
    clear(list);
    var found = search($("fm-search").value);
    found.forEach(function (n) {
      var li = el("li");
      var b = el("button", "fm-result", (n.tip && n.tip[0] ? n.tip[0][1] : n.label) + " \u00b7 " + n.id);
      b.type = "button";
      b.addEventListener("click", function () { list.hidden = true; focusNode(n.id); });
      li.appendChild(b);
      list.appendChild(li);
    });
    if (!found.length && $("fm-search").value.trim()) {
      list.appendChild(el("li", "fm-hint", "No match in this view"));
    }
    list.hidden = !$("fm-search").value.trim();
  }

  $("fm-search").addEventListener("input", showResults);
  $("fm-search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = search($("fm-search").value);
      if (found.length) { $("fm-results").hidden = true; focusNode(found[0].id); }
    } else if (ev.key === "Escape") {
      $("fm-results").hidden = true;
    }
  });
  ["fm-org", "fm-sector", "fm-severity", "fm-category"].forEach(function (id) {
    $(id).addEventListener("change", applyFilters);
  });
  $("fm-paths").addEventListener("click", function () { setPaths(!state.pathsOn); });
  $("fm-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  var names = { systems: "Systems", organisations: "Organisations", asset: "Asset copies",
                paths: "Attack paths" };
  if (DATA.order.length > 1) {
    DATA.order.forEach(function (name) {
      var b = el("button", "", names[name] || name);
      b.type = "button";
      b.setAttribute("data-view", name);
      b.addEventListener("click", function () { setView(name); });
      $("fm-views").appendChild(b);
    });
  }

  function buildLegend() {
    var box = $("fm-legend");
    function section(title, rows, make) {
      box.appendChild(el("h3", "", title));
      var ul = el("ul");
      rows.forEach(function (r) { var li = el("li"); make(li, r); ul.appendChild(li); });
      box.appendChild(ul);
    }
    section("Worst finding (system fill, organisation ring)", DATA.legend.severities,
      function (li, r) {
        var s = el("span", "fm-swatch"); s.style.background = r[2];
        li.appendChild(s); li.appendChild(el("span", "", r[1]));
      });
    section("Sector (organisation fill, system outline)", DATA.legend.sectors,
      function (li, r) {
        var s = el("span", "fm-swatch"); s.style.background = r[2];
        li.appendChild(s); li.appendChild(el("span", "", r[1]));
      });
    section("System kind (shape)", DATA.legend.kinds, function (li, r) {
      li.appendChild(el("span", "fm-symbol", r[2])); li.appendChild(el("span", "", r[1]));
    });
    section("Links", DATA.legend.edges, function (li, r) {
      var s = el("span", "fm-line");
      s.style.borderTopStyle = r[3]; s.style.borderTopColor = r[2];
      li.appendChild(s); li.appendChild(el("span", "", r[1]));
    });
  }

  /* A host's highlight: one attack path (or any chain of steps) drawn over the view,
     its systems ringed, and some nodes marked (the copies of an asset, say). Replaces
     the previous highlight; {} clears it. */
  function highlight(spec) {
    spec = spec || {};
    var old = state.marked;
    edges.remove(old.edges.map(function (e) { return e.id; }));
    nodes.update(Object.keys(old.nodes).filter(function (id) { return nodes.get(id); })
      .map(function (id) { return Object.assign({ id: id }, old.nodes[id]); }));
    state.marked = { nodes: {}, edges: [] };
    var colour = (DATA.legend.edges.find(function (r) { return r[0] === "path"; }) || [])[2];
    var path = (spec.path || []).filter(function (id) { return nodes.get(id); });
    var steps = [];
    for (var i = 1; i < path.length; i++) {
      steps.push({ id: "highlight:" + i + ":" + path[i - 1] + ">" + path[i], from: path[i - 1],
        to: path[i], arrows: "to", width: 6, color: { color: colour },
        smooth: { type: "curvedCW", roundness: 0.3 }, kind: "path", sev: "critical",
        cats: [], fx: [], tip: [["Attack path step", (spec.moves || [])[i] || ""],
                                ["Towards", spec.label || ""]] });
    }
    var ring = {};
    path.forEach(function (id) { ring[id] = colour; });
    Object.keys(spec.marks || {}).forEach(function (id) {
      if (nodes.get(id) && !ring[id]) { ring[id] = spec.marks[id]; }
    });
    var updates = Object.keys(ring).map(function (id) {
      var n = nodes.get(id);
      state.marked.nodes[id] = { color: n.color, borderWidth: n.borderWidth };
      return { id: id, borderWidth: 7, color: Object.assign({}, n.color, { border: ring[id] }) };
    });
    nodes.update(updates);
    state.marked.edges = steps;
    edges.add(steps.map(withTitle));
    status();
    return { nodes: updates.length, edges: steps.length };
  }

  buildLegend();
  var api = { network: network, nodes: nodes, edges: edges, counts: counts, setView: setView,
              setPaths: setPaths, search: search, focusNode: focusNode, highlight: highlight,
              data: DATA, destroy: function () { network.destroy(); },
              labels: function () { return state.labels.slice(); } };
  if (!host) {
    window.flowmap = api;
    window.flowmapNetwork = network;
  }
  network.once("afterDrawing", function () {
    if (host && host.ready) {
      host.ready(api);
    } else {
      window.flowmapReady = true;
      document.documentElement.setAttribute("data-flowmap-ready", "true");
    }
  });
  setView(DATA.start);
  return api;
}
