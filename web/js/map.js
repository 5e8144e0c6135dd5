// Awaaz web client: a map to pin where a problem is.
// Leaflet (web/vendor/leaflet/, from npm by the Makefile) and the district outlines (GET /v1/districts/boundaries)
// load only when the citizen opens the map, so the filing form's first paint carries neither.
// Tiles come from `AWAAZ_CONFIG.tileUrl` when one is configured; without it (or when it cannot be reached)
// the pin still works on the plain outlines of the districts.
"use strict";

let leafletLoading = null;
let outlinesLoading = null;

function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  const load = (tag, props) => new Promise((resolve, reject) => {
    const node = Object.assign(document.createElement(tag), props);
    node.onload = resolve;
    node.onerror = () => { node.remove(); reject(new Error(props.src || props.href)); };
    document.head.append(node);
  });
  leafletLoading = leafletLoading || Promise.all([
    load("link", { rel: "stylesheet", href: "vendor/leaflet/leaflet.css" }),
    load("script", { src: "vendor/leaflet/leaflet.js" }),
  ]).then(() => {
    window.L.Icon.Default.imagePath = "vendor/leaflet/images/"; // not guessed from the stylesheet's address
    return window.L;
  }, (e) => { leafletLoading = null; throw e; });
  return leafletLoading;
}

function loadOutlines() {
  outlinesLoading = outlinesLoading || api("GET", "/v1/districts/boundaries").catch((e) => { outlinesLoading = null; throw e; });
  return outlinesLoading;
}

// Opens a map in `box`; `picked(lat, lon)` is called for each point the citizen chooses (a tap, or Enter
// at the map's centre from the keyboard). Resolves to { put(lat, lon), close() }.
async function pinMap(box, picked) {
  const [L, outlines] = await Promise.all([loadLeaflet(), loadOutlines()]);
  const config = window.AWAAZ_CONFIG || {};
  box.hidden = false;
  box.setAttribute("dir", "ltr"); // Leaflet lays out its panes left to right, whatever the page's direction
  const map = L.map(box, { minZoom: 4, maxZoom: 18, zoomSnap: 0.5, keyboard: true });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.tileAttribution || "" }).addTo(map);
  }
  const plain = !config.tileUrl;
  const drawn = L.geoJSON(outlines, {
    interactive: false,
    style: (f) => ({
      color: "#444", weight: 1,
      fillColor: f.properties.districts.length ? "#0b6e4f" : "#9a9a9a",
      fillOpacity: plain ? (f.properties.districts.length ? 0.18 : 0.08) : 0.04,
    }),
    // Each district's name at its centre, in the page's language where the directory has it; shown from zoom 7.
    onEachFeature: (f, layer) => {
      const served = f.properties.districts.length === 1 && state.districts.find((d) => d.id === f.properties.districts[0]);
      layer.bindTooltip(esc(served ? named(served) : f.properties.name), { permanent: true, direction: "center", className: "district-name" });
    },
  }).addTo(map);
  const labels = () => box.classList.toggle("named", map.getZoom() >= 7);
  map.on("zoomend", labels);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · geoBoundaries");
  map.fitBounds(drawn.getBounds());
  labels();
  let marker = null;
  const put = (lat, lon) => {
    if (marker) marker.setLatLng([lat, lon]);
    else marker = L.marker([lat, lon], { title: t("pinTitle"), alt: t("pinTitle"), keyboard: false }).addTo(map);
  };
  map.on("click", (ev) => { put(ev.latlng.lat, ev.latlng.lng); picked(ev.latlng.lat, ev.latlng.lng); });
  map.on("keypress", (ev) => {
    if (ev.originalEvent.key !== "Enter") return;
    const c = map.getCenter();
    put(c.lat, c.lng);
    picked(c.lat, c.lng);
  });
  return {
    // Close enough to see the street on tiles; on outlines alone, the district around the pin.
    put: (lat, lon) => { put(lat, lon); map.setView([lat, lon], Math.max(map.getZoom(), plain ? 8 : 15)); },
    close: () => { map.remove(); box.hidden = true; },
  };
}
