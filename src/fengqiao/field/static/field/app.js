/* The field page (外勤): to-do, quick report, visit, patrol and search for grid workers on a phone.
 *
 * Reports, visits and every step of a patrol never go straight to the server: they go into an
 * outbox in IndexedDB, each with an idempotency key made when the user presses the button and
 * the phone's time, and the outbox is sent in order now if the network is there, else when it
 * returns (the online event, a periodic retry, the next page load). The server answers a key it
 * has seen with the first answer, so an item sent three times is one case. A patrol's key is made
 * on the phone when it starts: its check-ins, findings and end name the patrol by that key until
 * the start's answer gives its id (see README "Patrols offline"). Nothing else personal is stored
 * on the phone; logging out deletes the outbox and the service worker's caches.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("field-config").textContent);
  const S = config.strings;
  const URLS = config.urls;
  const DB_NAME = "fengqiao-field";
  const RETRY_MS = 30000;
  const PHOTO_MAX_PX = 1280;
  const PHOTO_QUALITY = 0.8;

  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));

  // --- IndexedDB: the outbox and one meta row (whose outbox it is) ---------------------------

  let dbPromise = null;
  let wiped = false;

  function openDb() {
    if (wiped) return Promise.reject(new Error("logged out"));
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("outbox", { keyPath: "id" });
          db.createObjectStore("meta");
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function tx(store, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const result = work(transaction.objectStore(store));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const outbox = {
    all: () => tx("outbox", "readonly", (store) => store.getAll()).then((items) =>
      (items || []).sort((a, b) => a.createdAt.localeCompare(b.createdAt))),
    put: (item) => tx("outbox", "readwrite", (store) => store.put(item)),
    remove: (id) => tx("outbox", "readwrite", (store) => store.delete(id)),
    clear: () => tx("outbox", "readwrite", (store) => store.clear()),
  };
  const meta = {
    get: (key) => tx("meta", "readonly", (store) => store.get(key)),
    set: (key, value) => tx("meta", "readwrite", (store) => store.put(value, key)),
  };

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // Older WebViews: a version-4 UUID from getRandomValues.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- talking to the server -------------------------------------------------------------------

  function csrfToken() {
    const match = document.cookie.match(new RegExp(`(?:^|; )${config.csrfCookie}=([^;]*)`));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // One request at a time: a village network copes better, and the server never sees this
  // phone's requests race each other (a flush and a reload of the to-do list, say).
  let line = Promise.resolve();

  function api(url, options = {}) {
    const headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    if (options.method && options.method !== "GET") headers["X-CSRFToken"] = csrfToken();
    const init = Object.assign({}, options, { headers, credentials: "same-origin", redirect: "manual" });
    // A village network can hang instead of failing: give up after a while and try again later.
    if (window.AbortSignal && AbortSignal.timeout) init.signal = AbortSignal.timeout(options.body instanceof FormData ? 120000 : 30000);
    const request = line.then(() => fetch(url, init));
    line = request.then((response) => response.clone().arrayBuffer().catch(() => null), () => null);
    return request;
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      if (body.fields) {
        return Object.entries(body.fields).map(([name, messages]) => `${name}: ${messages.join(" ")}`).join("; ");
      }
      return body.detail || String(response.status);
    } catch (error) {
      return String(response.status);
    }
  }

  // --- messages and the outbox bar ------------------------------------------------------------

  function say(text, isError) {
    const box = $("message");
    box.textContent = text || "";
    box.classList.toggle("error", Boolean(isError));
  }

  function showNetwork() {
    const net = $("net");
    net.textContent = navigator.onLine ? S.online : S.offline;
    net.classList.toggle("off", !navigator.onLine);
    net.dataset.online = navigator.onLine ? "true" : "false";
  }

  async function showOutbox() {
    const items = await outbox.all();
    const count = $("outbox-count");
    count.dataset.count = String(items.length);
    count.textContent = items.length ? fmt(S.pending, { count: items.length }) : S.sent;
    document.querySelector(".outbox").classList.toggle("has-items", items.length > 0);
    $("flush").hidden = items.length === 0;
    const list = $("outbox-items");
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.testid = "outbox-item";
      const label = document.createElement("span");
      label.textContent = `${typeLabel(item.type)}: ${item.label}`;
      li.append(label);
      if (item.error) {
        li.classList.add("failed");
        label.textContent += ` — ${fmt(S.failed, { detail: item.error })}`;
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "small secondary";
        discard.textContent = "×";
        discard.addEventListener("click", async () => { await outbox.remove(item.id); showOutbox(); });
        li.append(discard);
      }
      list.append(li);
    }
    return items.length;
  }

  function typeLabel(type) {
    return { report: S.report, visit: S.visit, "patrol-start": S.patrolStart, "patrol-checkin": S.patrolCheckin,
      "patrol-end": S.patrolEnd }[type] || type;
  }

  // --- sending the outbox ----------------------------------------------------------------------

  class Stop extends Error {}

  function postJson(url, key, body) {
    return api(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body),
    });
  }

  /** Photos of a report or a visit, one request each, each with its own key; `item.photosSent`
   *  remembers how far a flush got, so a later one goes on from there. */
  async function sendPhotos(item, url) {
    const photos = item.photos || [];
    for (let index = item.photosSent || 0; index < photos.length; index += 1) {
      const form = new FormData();
      form.append("file", photos[index], `photo-${index + 1}.jpg`);
      const response = await api(url, {
        method: "POST",
        headers: { "Idempotency-Key": `${item.id}-photo-${index + 1}` },
        body: form,
      });
      await check(response, item);
      item.photosSent = index + 1;
      await outbox.put(item);
    }
  }

  // A patrol started offline has no id until the server has answered its start: the items queued
  // after it carry the patrol's key (the start's idempotency key) and find the id here.
  async function rememberPatrol(key, id) {
    const known = (await meta.get("patrolIds")) || {};
    known[key] = id;
    const keys = Object.keys(known);
    for (const old of keys.slice(0, Math.max(0, keys.length - 20))) delete known[old];
    await meta.set("patrolIds", known);
  }

  async function patrolIdOf(item) {
    if (item.patrolId) return item.patrolId;
    const known = (await meta.get("patrolIds")) || {};
    let id = known[item.patrolKey];
    if (!id) {
      // The start was sent but its answer was lost (or another tab sent it): ask by the key.
      const response = await api(`${URLS.patrols}?key=${encodeURIComponent(item.patrolKey)}`);
      await check(response, item);
      const body = await response.json();
      const rows = body.results || body;
      if (!rows.length) {
        const start = (await outbox.all()).find((entry) => entry.id === item.patrolKey);
        if (start && !start.error) throw new Stop(S.queued); // still waiting: try again later
        item.error = S.patrolNotStarted;
        await outbox.put(item);
        throw new Error(item.error);
      }
      id = rows[0].id;
      await rememberPatrol(item.patrolKey, id);
    }
    item.patrolId = id;
    await outbox.put(item);
    return id;
  }

  async function sendPatrol(item) {
    if (item.type === "patrol-start") {
      const response = await postJson(URLS.patrols, item.id, item.body);
      await check(response, item);
      const patrol = await response.json();
      await rememberPatrol(item.id, patrol.id);
      return S.patrolStarted;
    }
    const id = await patrolIdOf(item);
    const path = item.type === "patrol-end" ? "end/" : "checkins/";
    const response = await postJson(`${URLS.patrols}${id}/${path}`, item.id, item.body);
    await check(response, item);
    return item.type === "patrol-end" ? S.patrolEnded : S.checkedIn;
  }

  async function sendReport(item) {
    if (!item.caseId) {
      let response;
      if (item.patrolId || item.patrolKey) {
        // A finding of a patrol becomes its case through the patrol, which links the two.
        const { kind, category, title, description, lon, lat } = item.body;
        const id = await patrolIdOf(item);
        response = await postJson(`${URLS.patrols}${id}/findings/`, item.id,
          { kind, category, title, description, lon, lat, at: item.createdAt });
      } else {
        response = await postJson(URLS.cases, item.id, item.body);
      }
      await check(response, item);
      const created = await response.json();
      item.caseId = created.case || created.id;
      item.number = created.number;
      await outbox.put(item);
    }
    await sendPhotos(item, URLS.photos.replace("/0/", `/${item.caseId}/`));
    return fmt(S.sentReport, { number: item.number || "" });
  }

  async function sendVisit(item) {
    if (!item.visitId) {
      const response = await postJson(URLS.visits, item.id, item.body);
      await check(response, item);
      item.visitId = (await response.json()).id;
      await outbox.put(item);
    }
    await sendPhotos(item, `${URLS.visits}${item.visitId}/photos/`);
    return S.sentVisit;
  }

  /** Throws Stop for what a later try may fix (no network, session ended, server trouble);
   *  marks the item failed for what it will not (the server refused the content). */
  async function check(response, item) {
    if (response.ok) return;
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      throw new Stop(S.loginAgain);
    }
    if (response.status >= 500 || response.status === 429) throw new Stop(fmt(S.failed, { detail: response.status }));
    item.error = await errorText(response);
    await outbox.put(item);
    throw new Error(item.error);
  }

  let flushing = null;

  /** Send every waiting item once, oldest first; one flush at a time in this page (and, where
   *  the browser has Web Locks, in every tab). Resolves to the number of items still waiting. */
  function flush() {
    if (!flushing) {
      const run = () => flushOnce();
      const work = navigator.locks ? navigator.locks.request("fengqiao-field-outbox", run) : run();
      flushing = work.finally(() => { flushing = null; });
    }
    return flushing;
  }

  async function flushOnce() {
    const items = (await outbox.all()).filter((item) => !item.error && item.owner === currentOwner());
    let sentAny = false;
    for (const item of items) {
      if (!navigator.onLine) break;
      try {
        say(S.sending);
        const text = item.type === "report" ? await sendReport(item)
          : item.type === "visit" ? await sendVisit(item) : await sendPatrol(item);
        await outbox.remove(item.id);
        sentAny = true;
        say(text);
      } catch (error) {
        if (error instanceof Stop) { say(error.message, true); break; }
        if (error instanceof TypeError || error.name === "TimeoutError" || error.name === "AbortError") {
          say(S.queued); // the network went away or hung: the item waits for the next try
          break;
        }
        say(fmt(S.failed, { detail: error.message }), true);
      }
    }
    const left = await showOutbox();
    if (sentAny) loadToday();
    return left;
  }

  // --- whose phone this is -------------------------------------------------------------------

  let owner = null;
  const currentOwner = () => owner;

  /** Items belong to the user who made them: another user logging in on this phone never sends
   *  them under their own name, and never sees them. */
  async function adoptUser(userId) {
    const previous = await meta.get("owner");
    if (previous !== undefined && previous !== null && previous !== userId) {
      await outbox.clear();
      await meta.set("patrolIds", {});
      await setPatrol(null);
      await showOutbox();
    }
    owner = userId;
    // Items queued before this phone knew its user (offline from the first load) are theirs.
    for (const entry of await outbox.all()) {
      if (entry.owner === null || entry.owner === undefined) { entry.owner = userId; await outbox.put(entry); }
    }
    await meta.set("owner", userId);
  }

  // --- today ---------------------------------------------------------------------------------

  function fillList(list, rows, render) {
    list.replaceChildren();
    if (!rows.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = S.nothing;
      list.append(li);
      return;
    }
    for (const row of rows) list.append(render(row));
  }

  function listItem(title, detail, extra) {
    const li = document.createElement("li");
    const main = document.createElement(extra && extra.href ? "a" : "span");
    if (extra && extra.href) main.href = extra.href;
    main.textContent = title;
    li.append(main);
    if (detail) {
      const small = document.createElement("small");
      small.textContent = detail;
      li.append(small);
    }
    if (extra && extra.state) li.classList.add(extra.state);
    return li;
  }

  const day = (iso) => (iso ? new Date(iso).toLocaleDateString() : "");
  let keyPersons = new Map();

  async function loadToday() {
    if (!navigator.onLine) return;
    let response;
    try {
      response = await api(URLS.today);
    } catch (error) {
      say(S.loadFailed, true);
      return;
    }
    if (!response.ok) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) say(S.loginAgain, true);
      return;
    }
    const today = await response.json();
    await adoptUser(today.user.id);
    $("who").textContent = `${today.user.name} · ${today.grids.map((grid) => grid.name).join("、")}`;
    fillList($("visits-due"), today.visits_due, (row) => {
      const li = listItem(row.person_name, `${row.category} · ${fmt(S.dueBy, { date: day(row.next_visit_due_at) })}`,
        { state: row.visit_state });
      li.addEventListener("click", () => { showTab("visit"); $("visit-key-person").value = String(row.key_person); });
      return li;
    });
    fillList($("to-verify"), today.to_verify, (row) =>
      listItem(`${row.number} ${row.title}`, row.grid_name, { href: URLS.caseDetail.replace("/0/", `/${row.id}/`) }));
    fillList($("screenings-due"), today.screenings_due, (row) =>
      listItem(`${S.screening}: ${row.grid_name}`, `${row.period_start} – ${row.period_end} · ${fmt(S.dueBy, { date: day(row.due_at) })}`,
        { state: row.sla_state }));
    fillList($("my-cases"), today.my_cases, (row) =>
      listItem(`${row.number} ${row.title}`, row.status_display, { href: URLS.caseDetail.replace("/0/", `/${row.id}/`) }));
    grids = today.grids;
    await syncPatrol(today.active_patrol);
    for (const row of today.visits_due) keyPersons.set(row.key_person, `${row.person_name} (${row.category})`);
    await loadKeyPersons();
    flush();
  }

  async function loadKeyPersons() {
    try {
      const response = await api(`${URLS.keyPersons}?limit=500&active=true`);
      if (response.ok) {
        const body = await response.json();
        for (const row of body.results || body) {
          if (!keyPersons.has(row.id)) {
            keyPersons.set(row.id, `${row.person_name} (${config.keyPersonCategories[row.category] || row.category})`);
          }
        }
      }
    } catch (error) { /* offline: the to-do list's key persons are enough */ }
    const select = $("visit-key-person");
    const chosen = select.value;
    select.replaceChildren(new Option(S.chooseKeyPerson, ""));
    for (const [id, label] of keyPersons) select.append(new Option(label, String(id)));
    select.value = chosen;
  }

  // --- the quick report ------------------------------------------------------------------------

  function fillKinds() {
    const kind = $("report-kind");
    for (const choice of config.kinds) kind.append(new Option(choice.label, choice.value));
    kind.addEventListener("change", fillCategories);
    fillCategories();
  }

  function fillCategories() {
    const kind = $("report-kind").value;
    const select = $("report-category");
    select.replaceChildren(new Option("—", ""));
    for (const category of config.categories) {
      if (category.kind === kind) select.append(new Option(category.name, String(category.id)));
    }
  }

  const photos = { report: [], visit: [] };

  /** The photo made smaller on the phone: at most 1280 px on its longer side, JPEG at 0.8, the
   *  camera's orientation applied. Drawing on a canvas also drops the EXIF (GPS, camera). */
  async function shrink(file) {
    let source;
    try {
      source = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      source = await new Promise((resolve, reject) => {
        const image = new Image();
        image.onload = () => resolve(image);
        image.onerror = reject;
        image.src = URL.createObjectURL(file);
      });
    }
    const width = source.width || source.naturalWidth;
    const height = source.height || source.naturalHeight;
    const scale = Math.min(1, PHOTO_MAX_PX / Math.max(width, height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    canvas.getContext("2d").drawImage(source, 0, 0, canvas.width, canvas.height);
    if (source.close) source.close();
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
  }

  /** Photos chosen for a report or a visit (`which`), shrunk at once so the outbox keeps only
   *  the small copies. */
  async function choosePhotos(which, event) {
    const files = Array.from(event.target.files || []);
    const state = $(which === "visit" ? "visit-photo-state" : "photo-state");
    state.dataset.ready = "false";
    const shrunk = [];
    for (const file of files) {
      try { shrunk.push(await shrink(file)); } catch (error) { say(fmt(S.failed, { detail: file.name }), true); }
    }
    photos[which] = shrunk;
    state.textContent = shrunk.length ? fmt(S.photos, { count: shrunk.length }) : "";
    state.dataset.count = String(shrunk.length);
    state.dataset.ready = "true";
  }

  function locate() {
    const located = $("located");
    if (!navigator.geolocation) { located.textContent = S.noPosition; return; }
    located.textContent = S.locating;
    navigator.geolocation.getCurrentPosition(async (position) => {
      const lon = position.coords.longitude.toFixed(6);
      const lat = position.coords.latitude.toFixed(6);
      $("report-lon").value = lon;
      $("report-lat").value = lat;
      located.dataset.lon = lon;
      located.dataset.lat = lat;
      if (!navigator.onLine) { located.textContent = S.locateLater; return; }
      try {
        const response = await api(`${URLS.locate}?lon=${lon}&lat=${lat}`);
        const body = await response.json();
        located.textContent = body.grid ? fmt(S.located, { grid: body.grid.name }) : S.outsideGrids;
      } catch (error) {
        located.textContent = S.locateLater;
      }
    }, () => { located.textContent = S.noPosition; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  async function submitReport(event) {
    event.preventDefault();
    const form = event.target;
    const description = form.description.value.trim();
    let title = form.title.value.trim();
    if (!title) title = description.slice(0, 30) || form.category.selectedOptions[0]?.text || form.kind.selectedOptions[0].text;
    const lon = form.lon.value ? Number(form.lon.value) : null;
    const lat = form.lat.value ? Number(form.lat.value) : null;
    const body = {
      kind: form.kind.value,
      channel: "patrol",
      category: form.category.value ? Number(form.category.value) : null,
      title: title.slice(0, 120),
      description,
      address: form.address.value.trim(),
      lon,
      lat,
    };
    const patrol = activePatrol && $("report-finding").checked ? activePatrol : null;
    await queue({
      type: "report", label: body.title, body, photos: photos.report, photosSent: 0,
      patrolId: patrol ? patrol.id || null : null, patrolKey: patrol ? patrol.key || null : null,
    });
    photos.report = [];
    form.reset();
    fillCategories();
    $("photo-state").textContent = "";
    $("located").textContent = "";
  }

  // --- the visit -------------------------------------------------------------------------------

  async function submitVisit(event) {
    event.preventDefault();
    const form = event.target;
    if (!form.key_person.value) { say(S.chooseKeyPerson, true); return; }
    const body = {
      key_person: Number(form.key_person.value),
      note: form.note.value.trim(),
      // The time of the visit is when it was recorded, not when the network came back; it is
      // part of the body the server compares on a retry, so it is fixed here once.
      at: new Date().toISOString(),
    };
    const label = form.key_person.selectedOptions[0].text;
    await queue({ type: "visit", label, body, photos: photos.visit, photosSent: 0 });
    photos.visit = [];
    form.reset();
    $("visit-photo-state").textContent = "";
    $("visit-photo-state").dataset.count = "0";
  }

  // Items are sent in the order they were made (a patrol's start before its check-ins): no two
  // get the same time, even when made within one millisecond.
  let lastMade = 0;

  async function queue(entry) {
    lastMade = Math.max(Date.now(), lastMade + 1);
    const item = Object.assign({ id: newKey(), owner: currentOwner(), createdAt: new Date(lastMade).toISOString() }, entry);
    await outbox.put(item);
    say(S.queued);
    await showOutbox();
    if (navigator.onLine) await flush();
  }

  // --- patrol: every step through the outbox, so a patrol works without network -------------

  let grids = [];
  // The patrol under way as this phone knows it: {key, id, grid_name, started_at, checkin_count},
  // `key` when it was started here (its start's idempotency key), `id` once the server has it.
  let activePatrol = null;

  /** The server's view wins unless steps of a patrol still wait in the outbox: then the phone's. */
  async function syncPatrol(server) {
    const waiting = (await outbox.all()).some((item) => item.type.startsWith("patrol-") && !item.error);
    if (!waiting) {
      const local = activePatrol;
      activePatrol = server ? Object.assign({}, server, { key: local && local.id === server.id ? local.key : null }) : null;
      await meta.set("patrol", activePatrol);
    }
    showPatrol();
  }

  async function setPatrol(patrol) {
    activePatrol = patrol;
    await meta.set("patrol", patrol);
    showPatrol();
  }

  function showPatrol() {
    const select = $("patrol-grid");
    const chosen = select.value;
    select.replaceChildren(...grids.map((grid) => new Option(grid.name, String(grid.id))));
    if (chosen) select.value = chosen;
    $("patrol-idle").hidden = Boolean(activePatrol);
    $("patrol-active").hidden = !activePatrol;
    $("report-finding-row").hidden = !activePatrol;
    $("patrol-state").dataset.checkins = activePatrol ? String(activePatrol.checkin_count) : "";
    $("patrol-state").textContent = activePatrol
      ? fmt(S.onPatrol, {
        grid: activePatrol.grid_name,
        time: new Date(activePatrol.started_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
        count: activePatrol.checkin_count,
      })
      : S.noPatrol;
  }

  function here() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        (position) => resolve({ lon: Number(position.coords.longitude.toFixed(6)), lat: Number(position.coords.latitude.toFixed(6)) }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
    });
  }

  const patrolRef = () => ({ patrolId: activePatrol.id || null, patrolKey: activePatrol.key || null });
  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  async function startPatrol() {
    const select = $("patrol-grid");
    if (!select.value || activePatrol) return;
    const key = newKey();
    const startedAt = new Date().toISOString();
    const gridName = select.selectedOptions[0].text;
    await setPatrol({ key, id: null, grid: Number(select.value), grid_name: gridName, started_at: startedAt, checkin_count: 0 });
    await queue({ id: key, type: "patrol-start", label: `${gridName} ${clock(startedAt)}`,
      body: { grid: Number(select.value), started_at: startedAt } });
  }

  async function checkIn() {
    if (!activePatrol) return;
    const position = await here();
    if (!position) { say(S.noPosition, true); return; }
    const at = new Date().toISOString();
    const ref = patrolRef();
    await setPatrol(Object.assign({}, activePatrol, { checkin_count: activePatrol.checkin_count + 1 }));
    await queue(Object.assign({ type: "patrol-checkin", label: clock(at), body: Object.assign({ at }, position) }, ref));
  }

  async function endPatrol() {
    if (!activePatrol) return;
    const at = new Date().toISOString();
    const ref = patrolRef();
    await setPatrol(null);
    await queue(Object.assign({ type: "patrol-end", label: clock(at), body: { ended_at: at } }, ref));
  }

  // --- search ----------------------------------------------------------------------------------

  async function search(event) {
    event.preventDefault();
    const list = $("search-results");
    const q = $("search-q").value.trim();
    if (!q) return;
    let response;
    try {
      response = await api(`${URLS.search}?q=${encodeURIComponent(q)}`);
    } catch (error) {
      say(S.loadFailed, true);
      return;
    }
    if (!response.ok) { say(await errorText(response), true); return; }
    const body = await response.json();
    const rows = [
      ...body.persons.map((p) => ({ title: `${S.person}: ${p.name}`, detail: [p.resident_id, p.phone, p.address, p.grid_name].filter(Boolean).join(" · ") })),
      ...body.places.map((p) => ({ title: `${S.place}: ${p.name}`, detail: [p.address, p.contact_phone].filter(Boolean).join(" · ") })),
    ];
    if (!rows.length) {
      list.replaceChildren();
      const li = listItem(S.noResults);
      li.className = "empty";
      list.append(li);
      return;
    }
    fillList(list, rows, (row) => listItem(row.title, row.detail));
  }

  // --- tabs, logout, start -------------------------------------------------------------------

  function showTab(name) {
    for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== `tab-${name}`;
    for (const button of document.querySelectorAll(".tabs button")) button.classList.toggle("active", button.dataset.tab === name);
    window.scrollTo(0, 0);
  }

  /** Delete everything the field page keeps on this phone: the outbox and the shell caches. */
  async function wipe() {
    wiped = true;
    if (dbPromise) {
      try { (await dbPromise).close(); } catch (error) { /* never opened */ }
      dbPromise = null;
    }
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = () => resolve();
      setTimeout(resolve, 5000); // blocked by another tab: it goes when that tab closes
    });
    if (window.caches) {
      const keys = await caches.keys();
      await Promise.all(keys.filter((key) => key.startsWith("fengqiao-field-")).map((key) => caches.delete(key)));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "logout" });
    }
  }

  async function logout() {
    const waiting = (await outbox.all()).length;
    const question = waiting ? `${fmt(S.unsentWarning, { count: waiting })}\n${S.confirmLogout}` : S.confirmLogout;
    if (!window.confirm(question)) return;
    const token = csrfToken();
    await wipe();
    const form = document.createElement("form");
    form.method = "post";
    form.action = URLS.logout;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrfmiddlewaretoken";
    input.value = token;
    form.append(input);
    document.body.append(form);
    form.submit();
  }

  async function start() {
    showNetwork();
    fillKinds();
    for (const button of document.querySelectorAll(".tabs button")) button.addEventListener("click", () => showTab(button.dataset.tab));
    $("report-form").addEventListener("submit", submitReport);
    $("report-photos").addEventListener("change", (event) => choosePhotos("report", event));
    $("visit-photos").addEventListener("change", (event) => choosePhotos("visit", event));
    $("locate").addEventListener("click", locate);
    $("visit-form").addEventListener("submit", submitVisit);
    $("search-form").addEventListener("submit", search);
    $("patrol-start").addEventListener("click", startPatrol);
    $("patrol-checkin").addEventListener("click", checkIn);
    $("patrol-end").addEventListener("click", endPatrol);
    $("patrol-report").addEventListener("click", () => showTab("report"));
    $("flush").addEventListener("click", () => flush());
    $("logout").addEventListener("click", logout);
    window.addEventListener("online", () => { showNetwork(); loadToday().then(() => flush()); });
    window.addEventListener("offline", showNetwork);
    setInterval(() => { if (navigator.onLine) flush(); }, RETRY_MS);
    owner = (await meta.get("owner")) ?? null;
    activePatrol = (await meta.get("patrol")) || null;
    showPatrol();
    await showOutbox();
    if (!navigator.onLine) {
      for (const id of ["visits-due", "to-verify", "screenings-due", "my-cases"]) {
        fillList($(id), [{}], () => listItem(S.needsNetwork, "", { state: "empty" }));
      }
    }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(URLS.serviceWorker, { scope: config.urls.scope }).catch(() => {});
    }
    await loadToday();
    document.body.dataset.ready = "true";
  }

  // For the browser tests and the curious: the outbox and its flush.
  window.fieldApp = { flush, outbox, wipe, forgetPatrolIds: () => meta.set("patrolIds", {}), ready: start() };
})();
