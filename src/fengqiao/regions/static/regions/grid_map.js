/* Grid maps: every element with [data-grid-map] draws the GeoJSON named by data-features.
 *
 * No basemap unless a tile server is configured (data-settings -> tile_url): government intranets
 * have no internet. Each grid is an SVG path with the class "grid-polygon" and a permanent label
 * (name and grid workers); clicking it opens the grid's page when data-clickable is "true". The
 * container's data-grid-count is set to the number of grids drawn, for tests and screen readers.
 */
(function () {
  "use strict";

  function readJson(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function labelFor(properties) {
    var label = document.createElement("div");
    var name = document.createElement("div");
    name.className = "grid-label-name";
    name.textContent = properties.name;
    label.appendChild(name);
    if (properties.workers && properties.workers.length) {
      var workers = document.createElement("div");
      workers.className = "grid-label-workers";
      workers.textContent = properties.workers.join("、");
      label.appendChild(workers);
    }
    return label;
  }

  function drawMap(container) {
    var collection = readJson(container.dataset.features) || { type: "FeatureCollection", features: [] };
    var settings = readJson(container.dataset.settings) || {};
    var clickable = container.dataset.clickable === "true";
    var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(settings.tile_url) });
    if (settings.tile_url) {
      L.tileLayer(settings.tile_url, { attribution: settings.tile_attribution || "", maxZoom: 19 }).addTo(map);
    }
    var drawn = 0;
    var layer = L.geoJSON(collection, {
      className: "grid-polygon",
      style: function () {
        return { color: "#1d4f91", weight: 2, fillColor: "#5b8fd6", fillOpacity: 0.18 };
      },
      onEachFeature: function (feature, path) {
        drawn += 1;
        var properties = feature.properties || {};
        path.bindTooltip(labelFor(properties), {
          permanent: true,
          direction: "center",
          className: "grid-label",
          interactive: false
        });
        path.on("add", function () {
          var element = path.getElement();
          if (element) {
            element.setAttribute("data-grid-code", properties.code || "");
          }
        });
        if (clickable && properties.url) {
          path.on("click", function () { window.location.assign(properties.url); });
          path.on("mouseover", function () { path.setStyle({ fillOpacity: 0.35 }); });
          path.on("mouseout", function () { path.setStyle({ fillOpacity: 0.18 }); });
        }
      }
    }).addTo(map);
    if (drawn > 0) {
      map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    } else {
      map.setView([35.5, 106.8], 9);
    }
    container.setAttribute("data-grid-count", String(drawn));
    return map;
  }

  function init() {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-grid-map]").forEach(drawMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
