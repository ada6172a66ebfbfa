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
    if (container.dataset.camerasUrl) {
      addCameras(map, container);
    }
    return map;
  }

  /* Cameras (issue 5): a toggleable layer of points from data-cameras-url (GeoJSON), drawn as
   * circle markers with the class "camera-marker" (plus "camera-online" or "camera-offline");
   * data-camera-count is set once they are drawn. */
  function addCameras(map, container) {
    fetch(container.dataset.camerasUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (collection) {
        if (!collection) {
          return;
        }
        var count = 0;
        var cameras = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var online = (feature.properties || {}).status === "online";
            return L.circleMarker(latlng, {
              radius: 5,
              weight: 1,
              color: "#ffffff",
              fillColor: online ? "#198754" : "#dc3545",
              fillOpacity: 0.9,
              className: "camera-marker " + (online ? "camera-online" : "camera-offline")
            });
          },
          onEachFeature: function (feature, marker) {
            count += 1;
            var properties = feature.properties || {};
            marker.bindTooltip(properties.name || "", { direction: "top" });
            if (properties.url) {
              marker.on("click", function () { window.location.assign(properties.url); });
            }
          }
        }).addTo(map);
        var overlays = {};
        overlays[container.dataset.camerasLabel || "Cameras"] = cameras;
        L.control.layers(null, overlays, { collapsed: false }).addTo(map);
        container.setAttribute("data-camera-count", String(count));
      })
      .catch(function () { /* no cameras layer when offline or not allowed */ });
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
