/* GECC Certify, field app: scoring on a tablet, with or without a network.
 *
 * Everything shown comes from the browser's own database (IndexedDB through Dexie, the npm
 * package served at vendor/dexie), filled from the day's visit pack; every change is stored
 * there at once as a pending change (a change_id made here, the device's clock) and sent
 * when a network is there: first the photos (resumable: the server says how many bytes it
 * has, the rest follows in pieces), then the changes in batches. A batch is stored with its
 * batch_id BEFORE it is sent, so a send cut off half-way is sent again with the same
 * batch_id and the server answers what it answered the first time.
 *
 * The service worker (/field/sw.js) keeps this page and its files, the evidence pictures and
 * the photos, so the page opens again with no network. */
(function () {
  "use strict";

  const root = document.getElementById("field-app");
  if (!root || !window.Dexie) {
    return;
  }
  const config = JSON.parse(root.dataset.config);
  const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
  const EVIDENCE_CACHE = "gecc-field-evidence";
  const PHOTO_CACHE = "gecc-field-photos";
  const KEEP_SENT_BATCHES = 20;
  const SYNC_EVERY_MS = 30000;
  const NOTE_DELAY_MS = 600;

  // -- words (translated by the server into data-msg-* attributes) ---------------------------

  function msg(name, values) {
    let text = root.dataset["msg" + name] || "";
    Object.keys(values || {}).forEach((key) => {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  const $ = (id) => document.getElementById(id);
  const ui = {
    network: $("field-network"), badge: $("field-badge"), packInfo: $("field-pack-info"),
    message: $("field-message"), download: $("field-download"), syncButton: $("field-sync"),
    list: $("field-list"), applications: $("field-applications"), empty: $("field-empty"),
    sheet: $("field-sheet"), sheetTitle: $("field-sheet-title"), sheetMeta: $("field-sheet-meta"),
    sheetState: $("field-sheet-state"), items: $("field-items"), problems: $("field-problems"),
    problemList: $("field-problem-list"), submitOpen: $("field-submit-open"),
    submitConfirm: $("field-submit-confirm"), submitYes: $("field-submit-yes"),
    submitNo: $("field-submit-no"), submitMessage: $("field-submit-message"),
    offlineReady: $("field-offline-ready"),
  };

  // -- whose device this is -------------------------------------------------------------------

  /* The server marks the device with the member who opened this page (a cookie, removed
   * when anyone signs out). A page the service worker kept opens only its own member's
   * database, and only while the mark still names them: after signing out, or once another
   * member signed in on a shared tablet, the kept page shows no one's sheets. */
  function deviceMember() {
    const name = config.member_cookie + "=";
    const cookie = document.cookie.split(";").map((part) => part.trim())
      .find((part) => part.startsWith(name));
    return cookie ? decodeURIComponent(cookie.slice(name.length)) : null;
  }

  if (deviceMember() !== String(config.user)) {
    root.dataset.signedOut = "true";
    const userName = document.querySelector("[data-testid=user-name]");
    if (userName) {
      userName.remove();
    }
    [ui.download, ui.syncButton, ui.list, ui.sheet, ui.problems].forEach((node) => {
      node.hidden = true;
    });
    ui.network.textContent = navigator.onLine ? msg("Online") : msg("Offline");
    say(msg("DeviceSignedOut"), "error");
    root.dataset.ready = "true";
    return;
  }
  root.dataset.signedOut = "false";

  // -- the database ----------------------------------------------------------------------

  const db = new Dexie("gecc-field-" + config.user);  // one database per member
  root.dataset.dbName = db.name;
  db.version(1).stores({
    meta: "key",
    applications: "id, order",
    scores: "[application+item], application",
    changes: "change_id, status, application, [application+item], batch_id",
    photos: "sha256, status",
    batches: "batch_id, state, created_at",
  });

  const uuid = () => crypto.randomUUID();
  const nowIso = () => new Date().toISOString();
  let deviceId = null;

  async function ensureDeviceId() {
    const key = "gecc-field-device-" + config.user;
    const stored = await db.meta.get("device_id");
    deviceId = (stored && stored.value) || localStorage.getItem(key) || uuid();
    if (!stored) {
      await db.meta.put({key: "device_id", value: deviceId});
    }
    localStorage.setItem(key, deviceId);
    root.dataset.deviceId = deviceId;
  }

  // -- talking to the server -------------------------------------------------------------

  class SignedOut extends Error {}
  class Offline extends Error {}

  function csrfToken() {
    const name = config.csrf_cookie + "=";
    const cookie = document.cookie.split(";").map((part) => part.trim())
      .find((part) => part.startsWith(name));
    if (cookie) {
      return decodeURIComponent(cookie.slice(name.length));
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function request(url, options) {
    const init = Object.assign({credentials: "same-origin", cache: "no-store"}, options || {});
    init.headers = Object.assign({"Accept": "application/json", "X-CSRFToken": csrfToken()},
      init.headers || {});
    let response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new Offline(String(error));
    }
    const type = response.headers.get("Content-Type") || "";
    if (response.redirected || response.status === 401
        || (response.status === 403 && !type.includes("json"))) {
      throw new SignedOut();
    }
    return response;
  }

  function postJson(url, body) {
    return request(url, {method: "POST", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json"}});
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (error) {
      return {};
    }
  }

  const fill = (pattern, key, value) => pattern.split("{" + key + "}").join(String(value));

  // -- status line, badge and messages ----------------------------------------------------

  let lastBadge = "";

  function say(text, kind) {
    ui.message.textContent = text || "";
    ui.message.className = "field-message" + (text ? " message " + (kind || "") : "");
  }

  function showNetwork() {
    const online = navigator.onLine;
    root.dataset.online = online ? "true" : "false";
    ui.network.textContent = online ? msg("Online") : msg("Offline");
    ui.network.className = "field-network " + (online ? "is-online" : "is-offline");
    ui.submitOpen.disabled = !online || ui.submitOpen.dataset.locked === "true";
    ui.download.disabled = !online;
    ui.syncButton.disabled = !online;
  }

  async function refreshBadge() {
    const changes = await db.changes.where("status").anyOf("pending", "sending").count();
    const photos = await db.photos.where("status").equals("pending").count();
    const failed = await db.photos.where("status").equals("pending")
      .filter((photo) => Boolean(photo.error)).count();
    const refused = await db.changes.where("status").equals("refused").count();
    root.dataset.pendingChanges = String(changes);
    root.dataset.pendingPhotos = String(photos);
    root.dataset.failedPhotos = String(failed);
    root.dataset.refused = String(refused);
    let text = changes || photos ? msg("Badge", {changes: changes, photos: photos})
      : msg("BadgeNone");
    if (failed) {
      text += " " + msg("BadgePhotoFailed", {count: failed});
    }
    if (text !== lastBadge) {
      ui.badge.textContent = text;
      lastBadge = text;
    }
    ui.badge.classList.toggle("is-waiting", Boolean(changes || photos));
    await renderProblems();
  }

  async function showPackInfo() {
    const pack = await db.meta.get("pack");
    ui.packInfo.textContent = pack ? msg("PackInfo", {time: formatTime(pack.downloaded_at)})
      : msg("PackNone");
  }

  function formatTime(iso) {
    const date = new Date(iso);
    const locale = document.documentElement.lang === "en" ? "en-GB" : "th-TH";
    return date.toLocaleString(locale, {dateStyle: "medium", timeStyle: "short"});
  }

  function formatDate(iso) {
    const locale = document.documentElement.lang === "en" ? "en-GB" : "th-TH";
    return new Date(iso + "T00:00:00").toLocaleDateString(locale, {dateStyle: "long"});
  }

  // -- the visit pack ----------------------------------------------------------------------

  async function hasOpenChanges(application, item) {
    return (await db.changes.where("[application+item]").equals([application, item])
      .count()) > 0;
  }

  /* The server's values of an application's items, except where this device still has
   * changes of its own for the item (pending, being sent, or refused to be fixed). */
  async function mergeSheet(application, sheet) {
    const items = (sheet && sheet.items) || {};
    for (const ref of Object.keys(items)) {
      const server = items[ref];
      const record = (await db.scores.get([application, ref]))
        || {application: application, item: ref};
      record.history = server.history || 0;
      record.server_time = server.client_time;
      if (!(await hasOpenChanges(application, ref))) {
        record.value = server.value;
        record.not_applicable = server.not_applicable;
        record.note = server.note || "";
        record.client_time = server.client_time;
        record.photos = (server.photos || []).slice();
      }
      await db.scores.put(record);
    }
  }

  async function applySheets(sheets) {
    for (const key of Object.keys(sheets || {})) {
      const application = Number(key);
      const stored = await db.applications.get(application);
      if (stored) {
        stored.sheet = Object.assign({}, stored.sheet || {}, {state: sheets[key].state});
        await db.applications.put(stored);
      }
      await mergeSheet(application, sheets[key]);
    }
  }

  async function downloadPack() {
    if (!navigator.onLine) {
      say(msg("NeedsNetwork"), "warning");
      return;
    }
    say(msg("Downloading"));
    ui.download.disabled = true;
    try {
      await sync({quiet: true});
      const response = await request(config.pack);
      if (!response.ok) {
        say(msg("DownloadFailed"), "error");
        return;
      }
      const pack = await response.json();
      await db.transaction("rw", db.applications, db.scores, db.changes, db.meta, async () => {
        await db.applications.clear();
        await db.applications.bulkPut(pack.applications.map((application, order) =>
          Object.assign({order: order}, application)));
        for (const application of pack.applications) {
          await mergeSheet(application.id, application.sheet);
        }
        await db.meta.put({key: "pack", generated_at: pack.generated_at,
          downloaded_at: nowIso(), member: pack.member});
      });
      await keepMedia(pack.applications);
      say(msg("Downloaded", {count: pack.applications.length}), "success");
      await render();
    } catch (error) {
      say(error instanceof SignedOut ? msg("SignedOut") : msg("DownloadFailed"), "error");
    } finally {
      showNetwork();
    }
  }

  function photoUrl(sha256) {
    return fill(config.photo_file, "sha256", sha256);
  }

  /* Evidence pictures and the sheet's photos, kept for offline use: through the service
   * worker when it controls the page (its routes keep them), straight into its caches when
   * it does not yet. */
  async function keepMedia(applications) {
    if (!("caches" in window)) {
      return;
    }
    const wanted = [];
    applications.forEach((application) => {
      Object.values(application.answers || {}).forEach((answer) => {
        (answer.evidence || []).forEach((file) => {
          if (file.thumbnail_url) {
            wanted.push([EVIDENCE_CACHE, file.thumbnail_url]);
          }
        });
      });
      Object.values((application.sheet && application.sheet.items) || {}).forEach((item) => {
        (item.photos || []).forEach((sha256) => {
          if (config.photo_file) {
            wanted.push([PHOTO_CACHE, photoUrl(sha256)]);
          }
        });
      });
    });
    const controlled = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
    for (let start = 0; start < wanted.length; start += 4) {
      await Promise.all(wanted.slice(start, start + 4).map(async ([cacheName, url]) => {
        try {
          const cache = await caches.open(cacheName);
          if (await cache.match(url)) {
            return;
          }
          if (controlled) {
            await fetch(url, {credentials: "same-origin"});
          } else {
            await cache.add(new Request(url, {credentials: "same-origin"}));
          }
        } catch (error) {
          // A picture that cannot be kept now is fetched again with the next pack.
        }
      }));
    }
  }

  // -- recording changes --------------------------------------------------------------------

  function currentApplicationId() {
    const match = /^#application-(\d+)$/.exec(window.location.hash);
    return match ? Number(match[1]) : null;
  }

  function articleFor(application, ref) {
    return ui.items.querySelector(`article[data-application="${application}"][data-ref="${CSS.escape(ref)}"]`);
  }

  function readForm(article) {
    const checked = article.querySelector("input[type=radio]:checked");
    const note = article.querySelector("textarea").value;
    if (!checked) {
      return {value: null, not_applicable: false, note: note};
    }
    if (checked.value === "na") {
      return {value: null, not_applicable: true, note: note};
    }
    return {value: Number(checked.value), not_applicable: false, note: note};
  }

  async function recordScore(application, ref) {
    const article = articleFor(application, ref);
    if (!article) {
      return;
    }
    const state = readForm(article);
    const change = Object.assign({change_id: uuid(), kind: "score", application: application,
      item: ref, client_time: nowIso(), status: "pending"}, state);
    await db.transaction("rw", db.changes, db.scores, async () => {
      // The item's whole state travels in each change: a newer one replaces the older ones
      // not sent yet, and a refused one the member has now corrected.
      await db.changes.where("[application+item]").equals([application, ref])
        .filter((old) => old.kind === "score" && (old.status === "pending" || old.status === "refused"))
        .delete();
      await db.changes.add(change);
      const record = (await db.scores.get([application, ref]))
        || {application: application, item: ref, photos: [], history: 0};
      Object.assign(record, state, {client_time: change.client_time});
      await db.scores.put(record);
    });
    await afterChange(application, ref);
  }

  async function afterChange(application, ref) {
    await refreshItem(application, ref);
    await refreshBadge();
    await renderProgress(application);
    scheduleSync();
  }

  function toHex(buffer) {
    return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  async function thumbnail(blob) {
    try {
      const bitmap = await createImageBitmap(blob);
      const scale = Math.min(1, 320 / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.8);
    } catch (error) {
      return null;
    }
  }

  async function addPhotos(application, ref, files) {
    const article = articleFor(application, ref);
    itemProblem(article, "");
    for (const file of Array.from(files)) {
      if (!PHOTO_TYPES.includes(file.type)) {
        itemProblem(article, msg("PhotoType"));
        continue;
      }
      if (file.size > config.photo_max_bytes) {
        itemProblem(article, msg("PhotoTooBig"));
        continue;
      }
      const buffer = await file.arrayBuffer();
      const sha256 = toHex(await crypto.subtle.digest("SHA-256", buffer));
      const blob = new Blob([buffer], {type: file.type});
      const thumb = await thumbnail(blob);
      await db.transaction("rw", db.photos, db.changes, db.scores, async () => {
        if (!(await db.photos.get(sha256))) {
          await db.photos.put({sha256: sha256, blob: blob, content_type: file.type,
            size: file.size, thumb: thumb, status: "pending", created_at: nowIso()});
        }
        await db.changes.add({change_id: uuid(), kind: "photo_add", application: application,
          item: ref, sha256: sha256, caption: "", client_time: nowIso(), status: "pending"});
        const record = (await db.scores.get([application, ref]))
          || {application: application, item: ref, value: null, not_applicable: false,
            note: "", photos: [], history: 0};
        record.photos = (record.photos || []).filter((digest) => digest !== sha256).concat([sha256]);
        await db.scores.put(record);
      });
    }
    await afterChange(application, ref);
  }

  async function removePhoto(application, ref, sha256) {
    await db.transaction("rw", db.changes, db.scores, async () => {
      await db.changes.add({change_id: uuid(), kind: "photo_remove", application: application,
        item: ref, sha256: sha256, client_time: nowIso(), status: "pending"});
      const record = await db.scores.get([application, ref]);
      if (record) {
        record.photos = (record.photos || []).filter((digest) => digest !== sha256);
        await db.scores.put(record);
      }
    });
    await afterChange(application, ref);
  }

  /* Why a chosen photo was not attached, shown in its item (with the item's refused
   * changes, by refreshItem) until the next photo is chosen. */
  function itemProblem(article, text) {
    if (!article) {
      if (text) {
        say(text, "error");
      }
      return;
    }
    if (text) {
      article.dataset.photoProblem = text;
    } else {
      delete article.dataset.photoProblem;
    }
    const box = part(article, "problem");
    box.textContent = text;
    box.hidden = !text;
  }

  // -- syncing -------------------------------------------------------------------------------

  let syncing = null;
  let syncTimer = null;

  function scheduleSync() {
    if (!navigator.onLine) {
      return;
    }
    clearTimeout(syncTimer);
    syncTimer = setTimeout(() => sync({quiet: true}), 1500);
  }

  function sync(options) {
    if (!navigator.onLine) {
      return Promise.resolve(false);
    }
    if (!syncing) {
      syncing = runSync(options || {}).finally(() => {
        syncing = null;
      });
    }
    return syncing;
  }

  async function runSync(options) {
    if (!config.sync) {
      return false;
    }
    root.dataset.syncing = "true";
    if (!options.quiet) {
      say(msg("Syncing"));
    }
    try {
      const failedPhotos = await uploadPhotos();
      while (await sendOneBatch()) {
        // one batch after another until nothing is left
      }
      if (failedPhotos) {
        if (!options.quiet) {
          say(msg("SyncFailed"), "warning");
        }
        return false;
      }
      if (!options.quiet) {
        say(msg("Synced"), "success");
      }
      return true;
    } catch (error) {
      if (error instanceof SignedOut) {
        say(msg("SignedOut"), "error");
      } else if (!options.quiet || !(error instanceof Offline)) {
        say(msg("SyncFailed"), "warning");
      }
      return false;
    } finally {
      root.dataset.syncing = "false";
      root.dataset.lastSync = nowIso();
      await refreshBadge();
      const application = currentApplicationId();
      if (application) {
        await renderSheet(application, {keepFocus: true});
      }
      await renderList();
    }
  }

  async function rejectPhoto(photo, message) {
    await db.transaction("rw", db.photos, db.changes, async () => {
      await db.photos.update(photo.sha256, {status: "rejected", message: message});
      await db.changes.where("status").equals("pending")
        .filter((change) => change.kind === "photo_add" && change.sha256 === photo.sha256)
        .modify({status: "refused", message: message, code: "photo_rejected"});
    });
  }

  /* Sends the photos not on the server yet. A photo the server fails on (an unexpected
   * answer) keeps its reason and waits for the next run; the other photos and the score
   * batches still go (a batch holds back that photo's photo_add). No network or signed
   * out stops the run. Returns how many photos failed. */
  async function uploadPhotos() {
    const photos = await db.photos.where("status").equals("pending").toArray();
    let failed = 0;
    for (const photo of photos) {
      try {
        await uploadPhoto(photo);
      } catch (error) {
        if (error instanceof SignedOut || error instanceof Offline) {
          throw error;
        }
        failed += 1;
        await db.photos.update(photo.sha256, {error: String(error.message || error),
          failed_at: nowIso()});
      }
    }
    return failed;
  }

  async function startUpload(photo) {
    const response = await postJson(config.photo_start, {sha256: photo.sha256,
      size: photo.size, content_type: photo.content_type});
    const data = await readJson(response);
    if (response.status === 400 || response.status === 413 || response.status === 415) {
      await rejectPhoto(photo, data.error || msg("PhotoRefused"));
      return null;
    }
    if (!response.ok) {
      throw new Error("photo start " + response.status);
    }
    return data;
  }

  async function uploadPhoto(photo) {
    const statusResponse = await request(fill(config.photo_status, "sha256", photo.sha256));
    let state = statusResponse.ok ? await readJson(statusResponse) : await startUpload(photo);
    if (!state) {
      return;
    }
    let restarted = false;
    let offset = state.received || 0;
    while (!state.complete) {
      const piece = photo.blob.slice(offset, offset + config.photo_chunk_bytes);
      const response = await request(fill(config.photo_chunk, "sha256", photo.sha256)
        + "?offset=" + offset, {method: "PUT", body: piece,
        headers: {"Content-Type": "application/octet-stream"}});
      const data = await readJson(response);
      if (response.status === 409) {
        offset = data.received || 0;  // the server's count of bytes is the truth
        continue;
      }
      if (response.status === 404 && !restarted) {
        restarted = true;
        state = await startUpload(photo);
        if (!state) {
          return;
        }
        offset = state.received || 0;
        continue;
      }
      if (response.status === 422 || response.status === 413 || response.status === 415) {
        await rejectPhoto(photo, data.error || msg("PhotoRefused"));
        return;
      }
      if (!response.ok) {
        throw new Error("photo chunk " + response.status);
      }
      state = data;
      offset = data.received;
    }
    await db.photos.update(photo.sha256, {status: "uploaded", uploaded_at: nowIso(),
      error: null});
    try {
      // The server keeps the bytes now: keep them for offline display under the photo's URL.
      const cache = await caches.open(PHOTO_CACHE);
      await cache.put(photoUrl(photo.sha256), new Response(photo.blob,
        {headers: {"Content-Type": photo.content_type}}));
    } catch (error) {
      // not essential
    }
  }

  function onTheWire(change) {
    const common = {change_id: change.change_id, kind: change.kind,
      application: change.application, item: change.item, client_time: change.client_time};
    if (change.kind === "score") {
      return Object.assign(common, {value: change.value, not_applicable: change.not_applicable,
        note: change.note || ""});
    }
    if (change.kind === "photo_add") {
      return Object.assign(common, {sha256: change.sha256, caption: change.caption || ""});
    }
    return Object.assign(common, {sha256: change.sha256});
  }

  /* Sends the stored open batch again, or makes one from the pending changes and stores it
   * before sending it. Returns true when a batch was answered (there may be more to send). */
  async function sendOneBatch() {
    // Looking for an open batch, choosing the pending changes and storing the new batch are
    // one read-write transaction: another tab of this member waits for it, so a change
    // belongs to one stored batch only (a tab that finds the open batch sends it again,
    // with the same batch_id).
    let batch = null;
    await db.transaction("rw", db.batches, db.changes, db.photos, async () => {
      batch = await db.batches.where("state").equals("open").first();
      if (batch) {
        return;
      }
      const waiting = new Set(await db.photos.where("status").anyOf("pending", "rejected")
        .primaryKeys());
      const pending = (await db.changes.where("status").equals("pending").toArray())
        .filter((change) => change.kind !== "photo_add" || !waiting.has(change.sha256))
        .sort((a, b) => (a.client_time < b.client_time ? -1 : 1))
        .slice(0, config.max_changes);
      if (!pending.length) {
        return;
      }
      batch = {batch_id: uuid(), device_id: deviceId, state: "open", created_at: nowIso(),
        changes: pending.map(onTheWire)};
      await db.batches.add(batch);
      await db.changes.where("change_id").anyOf(pending.map((change) => change.change_id))
        .modify({status: "sending", batch_id: batch.batch_id});
    });
    if (!batch) {
      return false;
    }
    const response = await postJson(config.sync, {batch_id: batch.batch_id,
      device_id: batch.device_id, changes: batch.changes});
    const data = await readJson(response);
    if (response.status === 400) {
      // The whole batch was refused as malformed: nothing was written. Show why.
      await db.transaction("rw", db.batches, db.changes, async () => {
        await db.changes.where("batch_id").equals(batch.batch_id)
          .modify({status: "refused", message: data.error || msg("SyncFailed"), code: "malformed"});
        await db.batches.update(batch.batch_id, {state: "refused", response: data});
      });
      return false;
    }
    if (!response.ok) {
      throw new Error("sync " + response.status);
    }
    await db.transaction("rw", [db.batches, db.changes, db.scores, db.applications], async () => {
      for (const result of data.results || []) {
        if (result.outcome === "refused") {
          await db.changes.update(result.change_id, {status: "refused", code: result.code,
            message: result.message, batch_id: null});
        } else {
          await db.changes.delete(result.change_id);
        }
      }
      await db.changes.where("batch_id").equals(batch.batch_id)
        .modify({status: "pending", batch_id: null});
      await applySheets(data.sheets);
      await db.batches.update(batch.batch_id, {state: "sent", sent_at: nowIso(),
        replayed: Boolean(data.replayed), results: data.results || []});
      const sent = await db.batches.where("state").equals("sent").sortBy("created_at");
      const old = sent.slice(0, Math.max(0, sent.length - KEEP_SENT_BATCHES));
      await db.batches.bulkDelete(old.map((row) => row.batch_id));
    });
    return true;
  }

  // -- submitting ---------------------------------------------------------------------------

  async function submitSheet(application) {
    ui.submitConfirm.hidden = true;
    if (!navigator.onLine) {
      ui.submitMessage.textContent = msg("NeedsNetwork");
      return;
    }
    ui.submitMessage.textContent = msg("Syncing");
    await sync({quiet: true});
    const left = await db.changes.where("application").equals(application)
      .filter((change) => change.status !== "refused").count();
    if (left) {
      ui.submitMessage.textContent = msg("SubmitPending");
      return;
    }
    try {
      const response = await postJson(fill(config.submit, "id", application), {});
      const data = await readJson(response);
      if (response.ok) {
        const stored = await db.applications.get(application);
        stored.sheet = Object.assign({}, stored.sheet || {}, {state: data.state || "submitted"});
        await db.applications.put(stored);
        ui.submitMessage.textContent = msg("Submitted");
        await renderSheet(application, {keepFocus: true});
        await renderList();
      } else if (response.status === 409 && data.missing) {
        ui.submitMessage.textContent = (data.error || "") + " " + msg("Missing", {refs: data.missing.join(", ")});
      } else {
        ui.submitMessage.textContent = data.error || msg("SubmitFailed");
      }
    } catch (error) {
      ui.submitMessage.textContent = error instanceof SignedOut ? msg("SignedOut") : msg("SubmitFailed");
    }
  }

  // -- drawing the page --------------------------------------------------------------------

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function part(node, name) {
    return node.querySelector(`[data-part="${name}"]`);
  }

  function isScored(record) {
    return Boolean(record && (record.not_applicable || (record.value !== null && record.value !== undefined)));
  }

  async function progressOf(application) {
    const records = await db.scores.where("application").equals(application.id).toArray();
    const refs = new Set(application.items.map((item) => item.ref));
    const scored = records.filter((record) => refs.has(record.item) && isScored(record)).length;
    return {scored: scored, total: application.items.length};
  }

  function visitText(visit) {
    if (!visit) {
      return msg("NoVisit");
    }
    return msg("Visit", {date: formatDate(visit.date), start: visit.start || "", end: visit.end || "",
      number: visit.number || ""});
  }

  async function renderList() {
    const applications = await db.applications.orderBy("order").toArray();
    ui.applications.replaceChildren();
    ui.empty.hidden = applications.length > 0;
    for (const application of applications) {
      const card = fromTemplate("field-tpl-application");
      const link = part(card, "link");
      link.href = "#application-" + application.id;
      link.textContent = application.unit.name;
      card.dataset.application = application.id;
      part(card, "visit").textContent = visitText(application.visit);
      part(card, "team").textContent = application.team.name;
      const progress = await progressOf(application);
      part(card, "progress").textContent = msg("Progress", progress);
      const submitted = application.sheet && application.sheet.state === "submitted";
      part(card, "state").textContent = submitted ? msg("StateSubmitted") : msg("StateDraft");
      const waiting = await db.changes.where("application").equals(application.id).count();
      const pending = part(card, "pending");
      pending.textContent = waiting ? msg("AppPending", {count: waiting}) : "";
      pending.hidden = !waiting;
      ui.applications.appendChild(card);
    }
  }

  async function renderProgress(applicationId) {
    const application = await db.applications.get(applicationId);
    if (application) {
      ui.sheetMeta.querySelector("[data-part=progress]").textContent =
        msg("Progress", await progressOf(application));
    }
  }

  function selfAssessment(answer) {
    if (!answer) {
      return msg("NotAnswered");
    }
    if (answer.not_applicable) {
      return msg("SelfScore", {score: msg("NotApplicable")});
    }
    return answer.self_score === null ? msg("NotAnswered") : msg("SelfScore", {score: answer.self_score});
  }

  function buildItem(application, item, locked) {
    const article = fromTemplate("field-tpl-item");
    const key = application.id + "-" + item.ref.replace(/[^A-Za-z0-9_-]/g, "_");
    article.id = "item-" + key;
    article.dataset.application = application.id;
    article.dataset.ref = item.ref;
    part(article, "ref").textContent = item.ref;
    part(article, "text").textContent = item.text;
    part(article, "mandatory").hidden = !item.mandatory;
    part(article, "criterion").textContent = item.criterion ? item.criterion.ref + " " + item.criterion.name : "";
    part(article, "legend-ref").textContent = " " + item.ref;
    const points = part(article, "points");
    const options = item.scale.map((point) => ({value: String(point.value),
      label: point.value + (point.label ? " · " + point.label : "")}));
    if (item.na_allowed) {
      options.push({value: "na", label: msg("NotApplicable")});
    }
    options.forEach((option, index) => {
      const label = document.createElement("label");
      label.className = "field-point" + (option.value === "na" ? " is-na" : "");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "score-" + key;
      input.id = "score-" + key + "-" + index;
      input.value = option.value;
      input.disabled = locked;
      label.htmlFor = input.id;
      const text = document.createElement("span");
      text.textContent = option.label;
      label.append(input, text);
      points.appendChild(label);
    });
    const note = article.querySelector("textarea");
    note.id = "note-" + key;
    note.disabled = locked;
    part(article, "note-label").htmlFor = note.id;
    const photo = article.querySelector("input[type=file]");
    photo.id = "photo-" + key;
    photo.disabled = locked;
    part(article, "photo-label").htmlFor = photo.id;
    const answer = (application.answers || {})[item.ref];
    part(article, "self").textContent = selfAssessment(answer);
    part(article, "explanation").textContent = (answer && answer.explanation) || "";
    const evidence = part(article, "evidence");
    ((answer && answer.evidence) || []).forEach((file) => {
      const li = document.createElement("li");
      if (file.thumbnail_url) {
        const img = document.createElement("img");
        img.src = file.thumbnail_url;
        img.alt = file.name;
        img.loading = "lazy";
        img.className = "field-thumb";
        li.appendChild(img);
      }
      const link = document.createElement("a");
      link.href = file.url;
      link.textContent = file.name;
      li.appendChild(link);
      evidence.appendChild(li);
    });
    part(article, "no-evidence").hidden = evidence.children.length > 0;
    const guidance = part(article, "guidance");
    guidance.hidden = !(item.guidance || item.evidence_hint);
    part(article, "guidance-text").textContent = item.guidance || "";
    part(article, "evidence-hint").textContent = item.evidence_hint || "";
    return article;
  }

  async function photoSource(sha256) {
    const local = await db.photos.get(sha256);
    if (local && local.thumb) {
      return local.thumb;
    }
    return config.photo_file ? photoUrl(sha256) : "";
  }

  /* Puts the stored state of one item into its form, and its status line. */
  async function refreshItem(application, ref) {
    const article = articleFor(application, ref);
    if (!article) {
      return;
    }
    const record = await db.scores.get([application, ref]);
    const changes = await db.changes.where("[application+item]").equals([application, ref]).toArray();
    const refused = changes.filter((change) => change.status === "refused");
    const waiting = changes.length - refused.length;
    {
      const value = record && record.not_applicable ? "na"
        : record && record.value !== null && record.value !== undefined ? String(record.value) : null;
      article.querySelectorAll("input[type=radio]").forEach((input) => {
        input.checked = input.value === value || (value !== null && input.value !== "na"
          && Number(input.value) === Number(value));
      });
      const note = article.querySelector("textarea");
      if (document.activeElement !== note) {
        note.value = (record && record.note) || "";
      }
    }
    const list = part(article, "photos");
    list.replaceChildren();
    const photos = (record && record.photos) || [];
    for (const [index, sha256] of photos.entries()) {
      const li = document.createElement("li");
      const img = document.createElement("img");
      img.src = await photoSource(sha256);
      img.alt = msg("PhotoAlt", {ref: ref, number: index + 1});
      img.className = "field-thumb";
      const stored = await db.photos.get(sha256);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button small secondary";
      remove.dataset.removePhoto = sha256;
      remove.textContent = msg("RemovePhoto", {number: index + 1});
      remove.disabled = article.querySelector("textarea").disabled;
      li.append(img);
      if (stored && stored.status === "pending") {
        const note = document.createElement("span");
        note.className = "muted small";
        note.textContent = stored.error ? msg("PhotoFailed") : msg("PhotoWaiting");
        li.append(note);
      }
      li.append(remove);
      list.appendChild(li);
    }
    const status = part(article, "status");
    const history = (record && record.history) || 0;
    const bits = [];
    if (waiting) {
      bits.push(msg("ItemWaiting"));
    } else if (isScored(record) || photos.length) {
      bits.push(msg("ItemSynced"));
    }
    if (history) {
      bits.push(msg("History", {count: history}));
    }
    status.textContent = bits.join(" ");
    article.classList.toggle("is-waiting", waiting > 0);
    article.classList.toggle("is-scored", isScored(record));
    const problems = refused.map((change) => change.message);
    if (article.dataset.photoProblem) {
      problems.unshift(article.dataset.photoProblem);
    }
    const problem = part(article, "problem");
    problem.textContent = problems.join(" ");
    problem.hidden = problems.length === 0;
  }

  async function renderSheet(applicationId, options) {
    const application = await db.applications.get(applicationId);
    if (!application) {
      showList();
      return;
    }
    const locked = Boolean(application.sheet && application.sheet.state === "submitted");
    const keepFocus = options && options.keepFocus && ui.items.dataset.application === String(applicationId)
      && ui.items.dataset.locked === String(locked);
    ui.list.hidden = true;
    ui.sheet.hidden = false;
    ui.sheetTitle.textContent = application.unit.name;
    ui.sheetMeta.querySelector("[data-part=visit]").textContent = visitText(application.visit);
    ui.sheetMeta.querySelector("[data-part=team]").textContent = application.team.name;
    await renderProgress(applicationId);
    ui.sheetState.textContent = locked ? msg("StateSubmitted") : msg("StateDraft");
    ui.submitOpen.dataset.locked = locked ? "true" : "false";
    ui.submitOpen.dataset.application = applicationId;
    ui.submitOpen.hidden = locked;
    showNetwork();
    if (!keepFocus) {
      ui.items.replaceChildren();
      ui.items.dataset.application = applicationId;
      ui.items.dataset.locked = String(locked);
      let category = null;
      for (const item of application.items) {
        const categoryRef = item.category ? item.category.ref : "";
        if (categoryRef !== category) {
          category = categoryRef;
          const heading = document.createElement("h3");
          heading.className = "field-category";
          heading.textContent = item.category ? item.category.ref + " " + item.category.name : "";
          ui.items.appendChild(heading);
        }
        ui.items.appendChild(buildItem(application, item, locked));
      }
    }
    for (const item of application.items) {
      await refreshItem(applicationId, item.ref);
    }
  }

  function showList() {
    ui.sheet.hidden = true;
    ui.list.hidden = false;
    ui.items.replaceChildren();
    delete ui.items.dataset.application;
  }

  async function renderProblems() {
    const refused = await db.changes.where("status").equals("refused").toArray();
    ui.problems.hidden = refused.length === 0;
    ui.problemList.replaceChildren();
    for (const change of refused) {
      const application = await db.applications.get(change.application);
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#application-" + change.application;
      link.textContent = (application ? application.unit.name + " · " : "") + change.item;
      const text = document.createElement("span");
      text.textContent = " " + (change.message || "");
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button small secondary";
      dismiss.dataset.dismiss = change.change_id;
      dismiss.textContent = msg("Dismiss");
      li.append(link, text, " ", dismiss);
      ui.problemList.appendChild(li);
    }
  }

  async function render() {
    await showPackInfo();
    await refreshBadge();
    const application = currentApplicationId();
    if (application) {
      await renderSheet(application);
    } else {
      showList();
    }
    await renderList();
    root.dataset.ready = "true";
  }

  // -- events --------------------------------------------------------------------------------

  const noteTimers = new Map();

  ui.items.addEventListener("change", (event) => {
    const article = event.target.closest("article[data-ref]");
    if (!article) {
      return;
    }
    const application = Number(article.dataset.application);
    const ref = article.dataset.ref;
    if (event.target.type === "file") {
      const files = Array.from(event.target.files || []);
      event.target.value = "";
      addPhotos(application, ref, files);
      return;
    }
    clearTimeout(noteTimers.get(article.id));
    noteTimers.delete(article.id);
    recordScore(application, ref);
  });

  ui.items.addEventListener("input", (event) => {
    if (event.target.tagName !== "TEXTAREA") {
      return;
    }
    const article = event.target.closest("article[data-ref]");
    clearTimeout(noteTimers.get(article.id));
    noteTimers.set(article.id, setTimeout(() => {
      noteTimers.delete(article.id);
      recordScore(Number(article.dataset.application), article.dataset.ref);
    }, NOTE_DELAY_MS));
  });

  ui.items.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-remove-photo]");
    if (button) {
      const article = button.closest("article[data-ref]");
      removePhoto(Number(article.dataset.application), article.dataset.ref,
        button.dataset.removePhoto);
    }
  });

  ui.problemList.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-dismiss]");
    if (button) {
      const change = await db.changes.get(button.dataset.dismiss);
      await db.changes.delete(button.dataset.dismiss);
      if (change) {
        await refreshItem(change.application, change.item);
      }
      await refreshBadge();
    }
  });

  ui.download.addEventListener("click", downloadPack);
  ui.syncButton.addEventListener("click", () => sync());
  ui.submitOpen.addEventListener("click", () => {
    ui.submitConfirm.hidden = false;
    ui.submitMessage.textContent = "";
    ui.submitYes.focus();
  });
  ui.submitNo.addEventListener("click", () => {
    ui.submitConfirm.hidden = true;
    ui.submitOpen.focus();
  });
  ui.submitYes.addEventListener("click", () => submitSheet(Number(ui.submitOpen.dataset.application)));

  window.addEventListener("hashchange", async () => {
    const application = currentApplicationId();
    ui.submitConfirm.hidden = true;
    ui.submitMessage.textContent = "";
    if (application) {
      await renderSheet(application);
      ui.sheetTitle.focus();
    } else {
      showList();
      await renderList();
    }
  });

  window.addEventListener("online", () => {
    showNetwork();
    sync();
  });
  window.addEventListener("offline", showNetwork);
  setInterval(() => {
    if (navigator.onLine && Number(root.dataset.pendingChanges || 0) + Number(root.dataset.pendingPhotos || 0) > 0) {
      sync({quiet: true});
    }
  }, SYNC_EVERY_MS);

  // -- the service worker --------------------------------------------------------------------

  function showOfflineReady() {
    const ready = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
    root.dataset.offlineReady = ready ? "true" : "false";
    ui.offlineReady.textContent = ready ? msg("OfflineReady") : msg("OfflineNotReady");
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.sw, {scope: config.scope}).catch(() => undefined);
    navigator.serviceWorker.addEventListener("controllerchange", showOfflineReady);
  }
  showOfflineReady();

  // -- start ---------------------------------------------------------------------------------

  (async function start() {
    await ensureDeviceId();
    showNetwork();
    await render();
    if (navigator.onLine) {
      sync({quiet: true});
    }
  })();
}());
