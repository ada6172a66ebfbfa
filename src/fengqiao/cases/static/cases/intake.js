/* The intake form's map: click to set the point; the grid holding it is shown at once.
 *
 * The grids the clerk may see are drawn from the JSON in data-features (no basemap unless a tile
 * server is configured). A click, or typing the longitude and latitude, asks
 * /api/v1/grids/locate/ (data-locate-url) which grid holds the point and shows its name; the
 * server locates it again when the case is saved, so this is only a preview.
 */
(function () {
  "use strict";

  function readJson(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function init() {
    var container = document.getElementById("intake-map");
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var located = document.getElementById("located-grid");
    var anonymous = document.getElementById("id_anonymous");
    if (anonymous) {
      var toggle = function () {
        ["id_reporter_name", "id_reporter_phone"].forEach(function (id) {
          var input = document.getElementById(id);
          if (input) { input.disabled = anonymous.checked; }
        });
      };
      anonymous.addEventListener("change", toggle);
      toggle();
    }
    if (!container || !lon || !lat) {
      return;
    }

    function locate() {
      if (!lon.value || !lat.value) {
        return;
      }
      var url = container.dataset.locateUrl + "?lon=" + encodeURIComponent(lon.value) + "&lat=" + encodeURIComponent(lat.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          var grid = body && body.grid;
          located.dataset.gridCode = grid ? grid.code : "";
          located.textContent = grid
            ? located.dataset.prefix + ": " + grid.name + (grid.village ? " · " + grid.village.name : "")
            : located.dataset.none;
        })
        .catch(function () { located.textContent = located.dataset.none; });
    }

    lon.addEventListener("change", locate);
    lat.addEventListener("change", locate);
    if (typeof L === "undefined") {
      return;
    }
    var settings = readJson(container.dataset.settings) || {};
    var collection = readJson(container.dataset.features) || { type: "FeatureCollection", features: [] };
    var map = L.map(container, { zoomSnap: 0.25, attributionControl: Boolean(settings.tile_url) });
    container.leafletMap = map;  // for the browser tests: turn a lon/lat into a point to click
    if (settings.tile_url) {
      L.tileLayer(settings.tile_url, { attribution: settings.tile_attribution || "", maxZoom: 19 }).addTo(map);
    }
    var layer = L.geoJSON(collection, {
      filter: function (feature) { return Boolean(feature.geometry); },
      className: "grid-polygon",
      interactive: false,
      style: function () { return { color: "#1d4f91", weight: 1, fillColor: "#5b8fd6", fillOpacity: 0.12 }; }
    }).addTo(map);
    if (layer.getLayers().length) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    } else {
      map.setView([35.5, 106.8], 9);
    }
    var marker = null;
    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.circleMarker(latlng, { radius: 7, color: "#c00", className: "intake-point" }).addTo(map);
      }
    }
    if (lon.value && lat.value) {
      place([parseFloat(lat.value), parseFloat(lon.value)]);
      locate();
    }
    map.on("click", function (event) {
      lon.value = event.latlng.lng.toFixed(6);
      lat.value = event.latlng.lat.toFixed(6);
      place(event.latlng);
      locate();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
