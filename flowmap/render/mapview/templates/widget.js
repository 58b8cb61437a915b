/* The map page as a notebook widget (anywidget). flowmapMap (the page's own script, put
   before this) draws the model's "data" into the page's markup; a click on a node is
   sent back as "selected"; "highlight" draws an attack path and marks copies. Every
   value from the inventory is set with textContent, never innerHTML (the markup is the
   page's static template). */
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "fm-widget";
  el.appendChild(root);
  let api = null;
  let clicks = 0;
  let serial = 0;
  const data = () => JSON.parse(model.get("data_json") || "{}");
  let fitted = false;
  /* The widget is often drawn before it is on screen (or while its tab is hidden):
     fit the map to its box once the box has a size, and redraw when it changes. */
  const sized = new ResizeObserver(() => {
    if (!api || root.clientWidth === 0 || root.clientHeight === 0) { return; }
    api.network.redraw();
    if (!fitted) { fit(); fitted = true; }
  });

  /* Fit the map to what the selection is about (its systems and attack path). */
  function fit() {
    const wanted = ((model.get("highlight") || {}).fit || [])
      .filter((id) => api.network.body.nodes[id]);
    api.network.fit(wanted.length ? { nodes: wanted, animation: false } : { animation: false });
  }
  sized.observe(root);

  const host = {
    select(id, kind, item) {
      clicks += 1;
      model.set("selected", { id: String(id), kind: kind, org: String(item.org || ""), n: clicks });
      model.save_changes();
    },
    ready(drawn) {
      api = drawn;
      root.flowmap = drawn;
      applyHighlight();
      root.setAttribute("data-flowmap-drawn", String(serial));
    },
  };

  function applyHighlight() {
    if (!api) { return; }
    const spec = model.get("highlight") || {};
    const result = api.highlight(spec);
    root.setAttribute("data-flowmap-highlight", String(spec.serial || 0) + ":" + result.edges);
    if (spec.focus && api.network.body.nodes[spec.focus]) {
      api.network.selectNodes([spec.focus]);
    }
  }

  function draw() {
    if (api) { api.destroy(); api = null; }
    root.removeAttribute("data-flowmap-drawn");
    root.innerHTML = MARKUP;  /* the page's static template: no inventory text in it */
    root.style.height = String(model.get("height") || 600) + "px";
    const drawn = data();
    if (!drawn || !drawn.views) { return; }
    serial = drawn.serial || 0;
    root.querySelector(".fm-titles h1").textContent = drawn.title || "";
    root.querySelector(".fm-subtitle").textContent = drawn.subtitle || "";
    fitted = false;
    try {
      api = flowmapMap(root, drawn, host);
      if (root.clientWidth > 0) { fit(); fitted = true; }
    } catch (err) {
      root.textContent = "The map could not be drawn: " + String(err);
    }
  }

  model.on("change:data_json", draw);
  model.on("change:highlight", () => {
    applyHighlight();
    if (api && root.clientWidth > 0) { fit(); fitted = true; }
  });
  model.on("change:height", () => {
    root.style.height = String(model.get("height") || 600) + "px";
  });
  draw();
  return () => {
    sized.disconnect();
    if (api) { api.destroy(); api = null; }
  };
}

export default { render };
