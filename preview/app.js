// ptk preview: the browser side. Plain JavaScript, no build step, no dependencies.
//
// Rules this file keeps:
// - every text from a template or fixture is inserted with textContent (never innerHTML);
// - the email HTML is only ever shown inside <iframe sandbox="allow-same-origin"> (no script
//   runs there), with its own strict Content-Security-Policy: see "the email frame" below;
// - live reload: one long poll on /api/events (pollLoop); the event carries the change for the
//   view open here (liveAnswer), which is then updated in place (channel, fixture and scroll
//   position stay); other views are fetched again;
// - sending (only when `ptk preview` was started to allow it): a same-origin POST to /api/send carrying
//   the session's token; the recipient is typed for each send and never kept (see "send").
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const CHANNEL_LABELS = { email: "Email", sms: "SMS", push: "Push", voice: "Voice", inapp: "In-app" };
  const NO_FIXTURE = "(none)";
  const LINT_DELAY_MS = 250;
  const OUTBOX_POLL_MS = 2000;

  const state = {
    route: { view: "index" },
    epoch: null,
    last: null, // last /api/render answer shown
    emailWidth: "desktop",
    emailTheme: "light",
    emailView: "html",
    updates: 0,
    send: null, // /api/send: {allowed, token, channels, environments}
  };

  // ---- DOM helpers ------------------------------------------------------------------------

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === "text") node.textContent = String(value);
        else if (key === "class") node.className = value;
        else if (key === "dataset") Object.assign(node.dataset, value);
        else if (key === "on") for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
        else node.setAttribute(key, value === true ? "" : String(value));
      }
    }
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function replaceChildren(node, children) {
    const fragment = document.createDocumentFragment();
    for (const child of [].concat(children)) if (child) fragment.append(child);
    clear(node).append(fragment);
  }

  function kb(bytes) {
    return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
  }

  function where(item) {
    if (!item || !item.path) return "";
    let text = item.path;
    if (item.line) text += `:${item.line}` + (item.column ? `:${item.column}` : "");
    if (item.pointer) text += ` (at ${item.pointer})`;
    return text;
  }

  // Colours from manifests go through the CSS parser only if they look like colours.
  const COLOUR = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|[a-z]{3,20})$/i;
  function colour(value) {
    return typeof value === "string" && COLOUR.test(value.trim()) ? value.trim() : "";
  }

  async function getJSON(url) {
    const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
    const data = await response.json().catch(() => ({ error: { message: `HTTP ${response.status}` } }));
    return { status: response.status, data };
  }

  // ---- routing ----------------------------------------------------------------------------

  // The email view settings live in the address too (only when not the default), so a
  // reload or a bookmark comes back to, say, the mobile width in dark mode.
  const EMAIL_SETTINGS = {
    view: ["emailView", ["html", "text", "source"]],
    width: ["emailWidth", ["desktop", "mobile"]],
    scheme: ["emailTheme", ["light", "dark", "invert"]],
  };

  function parseRoute() {
    const hash = location.hash.replace(/^#/, "");
    const [path, queryString] = hash.split("?");
    const query = new URLSearchParams(queryString || "");
    if (path === "/outbox") return { view: "outbox", env: query.get("env") || "" };
    const match = /^\/t\/(.+)$/.exec(path || "");
    if (!match) return { view: "index" };
    for (const [param, [key, allowed]] of Object.entries(EMAIL_SETTINGS)) {
      const value = query.get(param);
      state[key] = allowed.includes(value) ? value : allowed[0];
    }
    return {
      view: "template",
      template: decodeURIComponent(match[1]),
      channel: query.get("channel") || "",
      fixture: query.get("fixture") || "",
    };
  }

  function templateHash(template, channel, fixture) {
    const query = new URLSearchParams();
    if (channel) query.set("channel", channel);
    if (fixture) query.set("fixture", fixture);
    if (channel === "email") {
      for (const [param, [key, allowed]] of Object.entries(EMAIL_SETTINGS)) {
        if (state[key] !== allowed[0]) query.set(param, state[key]);
      }
    }
    const qs = query.toString();
    return `#/t/${encodeURIComponent(template)}${qs ? "?" + qs : ""}`;
  }

  function setRoute(route, push) {
    const hash = templateHash(route.template, route.channel, route.fixture);
    if (push) history.pushState(null, "", hash);
    else history.replaceState(null, "", hash);
    state.route = route;
  }

  // A view can be asked for again while an earlier answer is on its way (a page that loads
  // while a live-reload event arrives, two saves in a row, a click): every request counts,
  // and an answer that arrives after a newer request began is dropped, so a slower, older
  // answer never overwrites a newer one.
  let viewRequests = 0;
  function viewRequest() {
    const mine = ++viewRequests;
    return () => mine !== viewRequests; // true once a newer request began
  }

  // ---- index ------------------------------------------------------------------------------

  async function showIndex() {
    const outdated = viewRequest();
    const { data } = await getJSON("/api/templates");
    if (outdated() || state.route.view !== "index") return;
    $("template-view").hidden = true;
    $("outbox-view").hidden = true;
    $("index-view").hidden = false;
    replaceChildren($("crumbs"), []);
    document.title = "ptk preview";
    showBanner(data.error, Boolean(data.error && data.templates && data.templates.length));
    $("repo-info").textContent = data.root
      ? `${data.templates.length} template${data.templates.length === 1 ? "" : "s"} in ${data.root}` +
        (data.config ? ` (config: ${data.config})` : "")
      : "";
    const cards = data.templates.map((t) => {
      const lint = t.lint || {};
      const status = t.lint_error
        ? el("span", { class: "badge warning", title: t.lint_error, text: "lint failed" })
        : lint.error
        ? el("span", { class: "badge error", text: `${lint.error} error${lint.error === 1 ? "" : "s"}` })
        : lint.warning
          ? el("span", { class: "badge warning", text: `${lint.warning} warning${lint.warning === 1 ? "" : "s"}` })
          : lint.info
            ? el("span", { class: "badge info", text: `${lint.info} info${lint.info === 1 ? "" : "s"}` })
            : el("span", { class: "badge ok", text: "lint clean" });
      const words = [t.name, ...t.channels, ...t.channels.map((c) => CHANNEL_LABELS[c] || c), t.description || ""].join(" ").toLowerCase();
      return el("a", { class: "template-card", href: templateHash(t.name, t.channels[0], ""), dataset: { template: t.name, words } }, [
        el("div", { class: "template-card-head" }, [el("span", { class: "template-name", text: t.name }), status]),
        el("div", { class: "chips" }, t.channels.map((c) => el("span", { class: `chip ch-${c}`, text: CHANNEL_LABELS[c] || c }))),
        t.description ? el("p", { class: "description small", text: t.description }) : null,
        el("div", { class: "muted small", text: `${t.fixtures} fixture${t.fixtures === 1 ? "" : "s"}` }),
      ]);
    });
    $("filter-box").hidden = cards.length < 2;
    replaceChildren($("template-list"), cards.length ? cards : data.error
      ? [el("div", { class: "empty empty-repo", text: "No templates are loaded until the error above is fixed; this page then updates by itself." })]
      : [emptyRepository(data)]);
    applyFilter();
    const findings = data.findings || [];
    replaceChildren($("repo-findings"), findings.length
      ? [el("section", { class: "card" }, [el("h2", { text: "Repository findings" }), findingList(findings)])]
      : []);
  }

  // The index filter: every word typed must appear in the template's name, channels or description.
  function applyFilter() {
    const words = $("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const card of $("template-list").querySelectorAll(".template-card")) {
      const match = words.every((w) => card.dataset.words.includes(w));
      card.hidden = !match;
      if (match) shown += 1;
    }
    let none = $("template-list").querySelector(".no-match");
    if (!shown && words.length) {
      if (!none) $("template-list").append(none = el("p", { class: "muted no-match" }));
      none.textContent = `No template matches “${$("filter").value.trim()}”.`;
    } else if (none) none.remove();
  }

  function emptyRepository(data) {
    const folder = data.templates_folder || "templates";
    return el("div", { class: "empty empty-repo" }, [
      el("h2", { text: "No templates yet" }),
      el("p", {}, ["ptk shows every folder under ", el("code", { text: `${folder}/` }),
        " that holds a channel file, for example ", el("code", { text: `${folder}/welcome/sms.txt` }),
        " with its ", el("code", { text: "sms.json" }), ". Add one and this page updates by itself."]),
      el("p", { class: "muted small" }, ["To start from examples of every channel, run ", el("code", { text: "ptk init" }), " in a new folder."]),
    ]);
  }

  // ---- template page ----------------------------------------------------------------------

  // `answer`: the /api/render answer when the caller has it already (a live-reload event).
  async function showTemplate(fromReload, answer) {
    const route = state.route;
    const outdated = viewRequest();
    const url = `/api/render?template=${encodeURIComponent(route.template)}&channel=${encodeURIComponent(route.channel)}` +
      `&fixture=${encodeURIComponent(route.fixture)}`;
    if (!route.channel) {
      // no channel in the address yet: ask for the template's channels first
      const { data } = await getJSON(`/api/render?template=${encodeURIComponent(route.template)}&channel=email`);
      if (outdated() || route !== state.route) return;
      const channel = (data.channels || [])[0] || "email";
      setRoute({ ...route, channel }, false);
      return showTemplate(fromReload);
    }
    const { data } = answer ? { data: answer } : await getJSON(url);
    if (route !== state.route || outdated()) return; // the user moved on, or a newer answer is coming
    if (!route.fixture && data.fixture) setRoute({ ...route, fixture: data.fixture }, false);
    $("index-view").hidden = true;
    $("outbox-view").hidden = true;
    $("template-view").hidden = false;
    document.title = `${route.template} · ${CHANNEL_LABELS[route.channel] || route.channel} · ptk preview`;
    replaceChildren($("crumbs"), [
      el("a", { href: "#/", text: "Templates" }), el("span", { class: "sep", text: "/" }),
      el("span", { text: route.template }),
    ]);
    $("template-title").textContent = route.template;
    const error = data.error || {};
    const channels = data.channels || [];
    if (error.not_found && channels.length && !channels.includes(route.channel)) {
      // the address names a channel this template does not have: show its first one
      setRoute({ ...route, channel: channels[0] }, false);
      return showTemplate(fromReload);
    }
    const gone = Boolean(error.not_found) && !channels.length; // no such template (now)
    const shownBefore = state.last && state.last.template === route.template;
    if (gone && !(fromReload && shownBefore) && data.view === undefined) {
      showMissingTemplate(route.template, error.message);
      return;
    }
    $("template-view").classList.remove("not-found");
    if (!gone) {
      $("template-description").textContent = data.description || "";
      $("template-description").hidden = !data.description;
    }
    $("template-view").classList.toggle("gone", gone); // no tabs or fixtures to switch to
    if (!gone) {
      renderTabs(data);
      renderFixtures(data);
    }
    updateSendButton(!gone && !error.not_found);
    renderOverlay(data.error, data.view !== undefined || Boolean(gone && shownBefore), gone);
    if (data.view !== undefined) {
      renderStage(data);
      renderMissing(data.missing || []);
      renderFiles(data.files || []);
    } else if (!fromReload || !state.last || state.last.template !== route.template || state.last.channel !== route.channel) {
      showPlaceholder(data.error && data.error.not_found ? data.error.message : "Nothing rendered yet for this selection.");
      renderMissing([]);
      renderFiles([]);
    }
    if (data.view !== undefined) state.last = data;
    state.updates += 1;
    document.body.dataset.updates = String(state.updates);
    // After a save, let the new render reach the screen first: linting the whole template
    // takes longer than rendering it and would compete with the frame's request.
    if (fromReload) setTimeout(() => { loadLint(route); loadEngines(route); loadClients(route); }, LINT_DELAY_MS);
    else { loadLint(route); loadEngines(route); loadClients(route); }
  }

  // A template that does not exist (a stale bookmark, or deleted before the page was opened):
  // no channel tabs, fixtures or side panels, just what happened and the way back.
  function showMissingTemplate(name, message) {
    $("template-view").classList.add("not-found");
    $("template-view").classList.remove("gone");
    $("template-description").hidden = true;
    renderOverlay(null, false);
    state.last = null;
    showInStage([el("div", { class: "empty" }, [
      el("h2", { text: "Template not found" }),
      el("p", { text: message || `no template '${name}' in this repository` }),
      el("p", { class: "small muted", text: "If you just renamed or moved it, it comes back here by itself when its folder does." }),
      el("p", {}, [el("a", { class: "button-link", href: "#/", text: "All templates" })]),
    ])]);
    state.updates += 1;
    document.body.dataset.updates = String(state.updates);
  }

  const CHANNEL_ORDER = Object.keys(CHANNEL_LABELS);

  function renderTabs(data) {
    const route = state.route;
    // A channel whose files are broken is not among the template's channels until fixed:
    // keep its tab while it is the one shown, marked as broken.
    let channels = data.channels || [];
    const broken = Boolean(data.error) && !channels.includes(route.channel);
    if (broken) channels = CHANNEL_ORDER.filter((c) => c === route.channel || channels.includes(c));
    const tabs = channels.map((c) =>
      el("button", {
        class: "tab" + (c === route.channel ? " active" : "") + (broken && c === route.channel ? " broken" : ""), role: "tab", type: "button",
        "aria-selected": c === route.channel ? "true" : "false", dataset: { channel: c },
        "aria-controls": "stage", tabindex: c === route.channel ? "0" : "-1", id: `tab-${c}`,
        text: CHANNEL_LABELS[c] || c,
        title: broken && c === route.channel ? "This channel's files have an error" : null,
        on: { click: () => { setRoute({ ...state.route, channel: c }, true); showTemplate(false); } },
      }));
    $("stage").setAttribute("aria-labelledby", `tab-${route.channel}`);
    const hadFocus = $("channel-tabs").contains(document.activeElement);
    replaceChildren($("channel-tabs"), tabs);
    if (hadFocus) {
      const active = $("channel-tabs").querySelector(".tab.active");
      if (active) active.focus();
    }
  }

  // Arrow keys move between channel tabs (the usual tablist keyboard pattern).
  function onTabKey(event) {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const tabs = [...$("channel-tabs").querySelectorAll(".tab")];
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const next = tabs[(at + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
  }

  function renderFixtures(data) {
    const select = $("fixture-select");
    const fixtures = data.fixtures || [];
    const groups = [["local", "Template fixtures"], ["shared", "Shared fixtures"]].map(([scope, label]) => {
      const items = fixtures.filter((f) => f.scope === scope);
      if (!items.length) return null;
      return el("optgroup", { label }, items.map((f) => el("option", { value: f.name, text: f.name, title: f.path })));
    });
    const current = state.route.fixture || data.fixture;
    const lost = current && current !== NO_FIXTURE && !fixtures.some((f) => f.name === current)
      ? el("option", { value: current, text: `${current} (not loaded)` }) : null;
    replaceChildren(select, [...groups, lost, el("option", { value: NO_FIXTURE, text: "(no fixture)" })]);
    select.value = state.route.fixture || data.fixture || NO_FIXTURE;
  }

  function showPlaceholder(text) {
    showInStage([el("div", { class: "empty", text })]);
  }

  function renderOverlay(error, hasRender, templateGone) {
    const overlay = $("overlay");
    if (!error || error.not_found && !hasRender) {
      overlay.hidden = true;
      return;
    }
    $("overlay-where").textContent = where(error) || "";
    $("overlay-message").textContent = withoutPlace(error.message || "", where(error));
    renderCodeFrame($("overlay-frame"), error.frame);
    $("overlay-hint").textContent = error.hint ? `Hint: ${error.hint}` : "";
    $("overlay-hint").hidden = !error.hint;
    $("overlay-note").textContent = templateGone
      ? "It is no longer in the repository (deleted, renamed or moved). The last render stays underneath until it comes back."
      : error.not_found
        ? "It is no longer in the repository (deleted, renamed or moved): pick another one above. The last render stays underneath until it comes back."
        : "The last good render is shown underneath. Fix the file and save; this message goes away.";
    $("overlay-note").hidden = !hasRender;
    $("overlay-back").hidden = !templateGone;
    overlay.hidden = false;
  }

  // The lines around the error, numbered, with a caret under its column (all as text).
  function renderCodeFrame(node, frame) {
    node.hidden = !frame;
    if (!frame) return clear(node);
    const width = String(frame.start + frame.lines.length - 1).length;
    const rows = [];
    frame.lines.forEach((text, i) => {
      const number = frame.start + i;
      const here = number === frame.line;
      rows.push(el("span", { class: here ? "frame-line here" : "frame-line" }, [
        el("span", { class: "frame-gutter", text: `${here ? ">" : " "} ${String(number).padStart(width)} | ` }),
        text,
      ]));
      if (here && frame.column) {
        rows.push(el("span", { class: "frame-line frame-caret" }, [
          el("span", { class: "frame-gutter", text: `  ${" ".repeat(width)} | ` }),
          `${text.slice(0, frame.column - 1).replace(/[^\t]/g, " ")}^`,
        ]));
      }
    });
    replaceChildren(node, rows);
  }

  // Messages often start with "file:line:column: "; the overlay shows that place above them.
  function withoutPlace(message, place) {
    return place && message.startsWith(`${place}: `) ? message.slice(place.length + 2) : message;
  }

  function renderMissing(missing) {
    $("missing-count").textContent = missing.length ? String(missing.length) : "";
    replaceChildren($("missing"), missing.length
      ? el("ul", { class: "list" }, missing.map((m) => el("li", {}, [
        el("code", { class: "var", text: m.path }),
        el("div", { class: "muted small", text: `${m.field} · ${m.location}` }),
      ])))
      : el("p", { class: "muted small", text: "Every variable has a value with this fixture." }));
  }

  function renderFiles(files) {
    replaceChildren($("files"), files.map((f) => el("li", { text: f })));
  }

  function findingList(findings) {
    return el("ul", { class: "list findings" }, findings.map((f) => el("li", { class: `finding sev-${f.severity}` }, [
      el("div", { class: "finding-head" }, [
        el("span", { class: `sev sev-${f.severity}`, text: f.severity }),
        el("code", { text: f.code }),
        el("span", { class: "muted small", text: f.name }),
      ]),
      el("div", { class: "finding-message", text: f.message }),
      el("div", { class: "muted small mono", text: f.location }),
      f.hint ? el("div", { class: "muted small", text: `Hint: ${f.hint}` }) : null,
    ])));
  }

  async function loadLint(route) {
    const url = `/api/lint?template=${encodeURIComponent(route.template)}&channel=${encodeURIComponent(route.channel)}` +
      `&fixture=${encodeURIComponent(state.route.fixture)}`;
    const { data } = await getJSON(url);
    if (route.template !== state.route.template) return;
    const findings = data.findings || [];
    if (data.error) findings.unshift({ severity: "error", code: "lint", name: "linter failed", message: data.error, location: "" });
    $("lint-count").textContent = findings.length ? String(findings.length) : "";
    replaceChildren($("lint"), findings.length ? findingList(findings)
      : el("p", { class: "muted small", text: "No findings for this template, channel and fixture." }));
  }

  // ---- email clients: features of the email that Gmail, Outlook, ... lack (caniemail) ----

  async function loadClients(route) {
    $("clients-card").hidden = route.channel !== "email";
    if (route.channel !== "email") return;
    const { data } = await getJSON(`/api/clients?template=${encodeURIComponent(route.template)}`);
    const now = state.route;
    if (route.template !== now.template || now.channel !== "email") return;
    const features = data.features || [];
    const missing = features.filter((f) => f.unsupported);
    const partly = features.filter((f) => !f.unsupported);
    $("clients-count").textContent = missing.length ? String(missing.length) : "";
    const item = (f) => el("li", { class: "finding" }, [
      el("div", { class: "finding-head" }, [
        el("a", { href: f.url, target: "_blank", rel: "noopener noreferrer", text: f.title }),
      ]),
      f.unsupported ? el("div", { class: "finding-message", text: `Not supported: ${f.unsupported}` }) : null,
      f.partial ? el("div", { class: "muted small", text: `Partly: ${f.partial}` }) : null,
      el("div", { class: "muted small mono", text: f.location }),
      el("div", { class: "muted small", text: `Hint: ${f.hint}` }),
    ]);
    const source = data.source ? `caniemail data of ${data.source.date} (CC BY 4.0)` : "caniemail data";
    replaceChildren($("clients"), [
      data.error ? el("p", { class: "muted small", text: `Not checked: ${data.error}` }) : null,
      !data.error && !missing.length
        ? el("p", { class: "muted small", text: "No feature of this email lacks support in these clients." }) : null,
      missing.length ? el("ul", { class: "list findings" }, missing.map(item)) : null,
      partly.length ? el("details", { class: "clients-partly" }, [
        el("summary", { text: `${partly.length} more feature${partly.length === 1 ? " is" : "s are"} only partly supported` }),
        el("ul", { class: "list findings" }, partly.map(item)),
      ]) : null,
      el("p", { class: "muted small", text: `Checked: ${(data.clients || []).join(", ")}; ${source}.` }),
    ]);
  }

  // ---- engines: what handlebars.java (which the service most likely runs) renders ----------

  async function loadEngines(route) {
    const url = `/api/engines?template=${encodeURIComponent(route.template)}&channel=${encodeURIComponent(route.channel)}` +
      `&fixture=${encodeURIComponent(state.route.fixture)}`;
    const { data } = await getJSON(url);
    const now = state.route;
    if (route.template !== now.template || route.channel !== now.channel) return;
    renderEngines(data);
  }

  function diffLines(diff) {
    return diff.split("\n").map((line) => el("span", {
      class: line.startsWith("+") ? "diff-add" : line.startsWith("-") ? "diff-del" : line.startsWith("@@") ? "diff-hunk" : null,
      text: `${line || " "}\n`,
    }));
  }

  function renderEngines(data) {
    const parts = data.parts || [];
    $("engine-badge").hidden = !data.differs;
    $("engines-count").textContent = data.differs ? String(parts.length || 1) : "";
    if (data.error || !data.differs) {
      replaceChildren($("engines"), el("p", { class: "muted small", text: data.error
        ? `Not compared: ${data.error}` : "handlebars.java renders this the same as ptk." }));
      return;
    }
    const items = [];
    if (data.java_error) {
      items.push(el("p", { class: "finding-message", text: `handlebars.java cannot render this template: ${data.java_error}` }));
    }
    for (const part of parts) {
      const severity = part.warning ? "warning" : "info";
      items.push(el("li", { class: `finding sev-${severity} engine-part` }, [
        el("div", { class: "finding-head" }, [
          el("span", { class: `sev sev-${severity}`, text: severity }),
          el("code", { text: part.field }),
        ]),
        el("div", { class: "finding-message", text: part.changes.join("; ") }),
        el("details", { class: "engine-details" }, [
          el("summary", { text: "Show the handlebars.java output and the diff" }),
          el("div", { class: "muted small", text: "handlebars.java output" }),
          el("pre", { class: "engine-output", text: part.output }),
          el("div", { class: "muted small", text: "diff (- ptk, + handlebars.java)" }),
          el("pre", { class: "engine-diff" }, diffLines(part.diff)),
        ]),
        el("div", { class: "muted small", text: `Hint: ${part.hint}` }),
      ]));
    }
    replaceChildren($("engines"), [items[0] && items[0].tagName === "P" ? items.shift() : null,
      el("ul", { class: "list findings" }, items)]);
  }

  // ---- the stage: one renderer per channel ------------------------------------------------

  // The stage holds two panels: the email's, mounted once and then kept (hidden while another
  // channel is shown), so that its frame lives as long as the page; and one for everything else.
  function renderStage(data) {
    if (data.channel === "email") {
      showEmailPanel();
      updateEmail(data);
      return;
    }
    const render = { sms: renderSms, push: renderPush, voice: renderVoice, inapp: renderInapp }[data.channel];
    if (render) showInStage(render(data.view, data));
    else showPlaceholder("Unknown channel.");
  }

  function stagePanel() {
    let panel = $("stage-panel");
    if (!panel) $("stage").append(panel = el("div", { id: "stage-panel" }));
    return panel;
  }

  function showInStage(children) {
    if (email.panel) email.panel.hidden = true;
    const panel = stagePanel();
    panel.hidden = false;
    replaceChildren(panel, children);
  }

  function showEmailPanel() {
    if (!email.panel) $("stage").prepend(email.panel = el("div", { id: "email-panel" }, mountEmail()));
    email.panel.hidden = false;
    stagePanel().hidden = true;
  }

  function segmented(name, options, current, onChange) {
    return el("div", { class: "segmented", role: "group", "aria-label": name }, options.map(([value, label]) =>
      el("button", {
        type: "button", class: value === current ? "active" : "", dataset: { value }, text: label,
        "aria-pressed": value === current ? "true" : "false",
        on: {
          click: (event) => {
            for (const b of event.currentTarget.parentNode.children) {
              b.classList.toggle("active", b === event.currentTarget);
              b.setAttribute("aria-pressed", b === event.currentTarget ? "true" : "false");
            }
            onChange(value);
          },
        },
      })));
  }

  // email: a fixed skeleton (so the frame is never re-created), updated in place
  const email = {};

  function mountEmail() {
    email.subject = el("div", { class: "inbox-subject" });
    email.preheader = el("div", { class: "inbox-preheader" });
    email.preheaderSource = el("div", { class: "muted small" });
    email.frame = el("iframe", {
      id: "email-frame", title: "Email HTML (sandboxed)", sandbox: EMAIL_SANDBOX, referrerpolicy: "no-referrer",
      loading: "eager", on: { load: onFrameLoad },
    });
    email.resizer = el("div", {
      class: "frame-resizer", role: "separator", tabindex: "0", "aria-orientation": "vertical",
      "aria-label": "Frame width: drag, or use the Left and Right arrow keys", title: "Drag to try other widths",
    });
    email.frameBox = el("div", { class: `frame-box width-${state.emailWidth} theme-${state.emailTheme}` }, [email.frame, email.resizer]);
    makeResizable(email.frameBox, email.resizer);
    email.text = el("pre", { class: "textpart" });
    email.textBox = el("div", { class: "textpart-box", hidden: true }, [email.text]);
    email.source = el("pre", { class: "textpart source" });
    email.sourceBox = el("div", { class: "textpart-box", hidden: true }, [email.source]);
    email.sizeText = el("span", { class: "size-text" });
    email.sizeFill = el("div", { class: "meter-fill" });
    email.sizeMeter = el("div", { class: "meter" }, [email.sizeFill, el("div", { class: "meter-line", title: "Gmail clips above 102 KB" }, [el("span", { class: "meter-label", text: "Gmail clip" })])]);
    email.darkNote = el("p", { class: "muted small", hidden: true, text: "This email has no prefers-color-scheme styles: " +
      "clients that honour them (Apple Mail, Outlook for Mac) show it as in light mode; Gmail and Outlook.com invert colours instead." });
    email.htmlMissing = el("div", { class: "empty", hidden: true, text: "This email has no HtmlPart." });
    email.viewButtons = segmented("View", [["html", "HTML"], ["text", "Text"], ["source", "Source"]], state.emailView,
      (v) => { state.emailView = v; setRoute(state.route, false); applyEmailView(); });
    email.widthButtons = segmented("Width", [["desktop", "Desktop"], ["mobile", "Mobile"]], state.emailWidth,
      (v) => { state.emailWidth = v; email.frameBox.style.width = ""; setRoute(state.route, false); applyEmailView(); });
    email.themeButtons = segmented("Colour scheme", [["light", "Light"], ["dark", "Dark (email styles)"], ["invert", "Dark (inverted)"]],
      state.emailTheme, (v) => { state.emailTheme = v; setRoute(state.route, false); applyEmailView(); });
    // the email alone in a tab of its own (same sandboxed address as the frame): full height,
    // the browser's developer tools, printing
    email.openLink = el("a", { class: "open-link", target: "_blank", rel: "noopener noreferrer", text: "Open in new tab ↗" });
    // the frame can be dragged narrower or wider at its right edge; the width it has is shown
    email.widthLabel = el("span", { class: "muted small width-label", title: "Drag the frame's right edge to try other widths" });
    new ResizeObserver(() => {
      const width = Math.round(email.frame.getBoundingClientRect().width);
      email.widthLabel.textContent = width ? `${width} px wide` : "";
    }).observe(email.frameBox);
    email.copyButton = copyButton(() => (state.emailView === "text" ? email.text.textContent : email.source.textContent));
    const controls = el("div", { class: "controls" }, [email.viewButtons, email.widthButtons, email.themeButtons,
      el("span", { class: "controls-end" }, [email.widthLabel, email.copyButton, email.openLink])]);
    return [
      el("div", { class: "card inbox" }, [
        el("div", { class: "inbox-avatar", text: "✉" }),
        el("div", { class: "inbox-lines" }, [email.subject, email.preheader, email.preheaderSource]),
      ]),
      el("div", { class: "card email-card" }, [
        controls,
        el("div", { class: "size" }, [el("span", { class: "muted small", text: "HTML size" }), email.sizeText, email.sizeMeter]),
        email.htmlMissing,
        email.darkNote,
        email.frameBox,
        email.textBox,
        email.sourceBox,
      ]),
    ];
  }

  // ---- the email frame: updated in place ---------------------------------------------------
  //
  // #email-frame is <iframe sandbox="allow-same-origin">: nothing of the email ever runs in it
  // (no allow-scripts, and its document's Content-Security-Policy names no script source), but
  // its document has the page's origin, so that this script can change it. It loads an email
  // once (/api/email?…&frame=1); after that, each new HTML (a save, another fixture or colour
  // scheme) is parsed with the frame's own DOMParser (so under the frame's policy) and the
  // frame's document is changed in place to match it (morphDocument, in morph.js): no new
  // document and no request when the live-reload event brings the HTML (liveAnswer); the
  // frame keeps its scroll position. The frame loads afresh only when it cannot be changed
  // in place: the first time, after a link was followed in it, or for another doctype.
  const EMAIL_SANDBOX = "allow-same-origin"; // and nothing else: no script may run in it
  const emailFrame = {
    shown: null, // {address, digest, scheme, template} of the email shown, or on its way
    loading: false, // the frame is loading an address of its own (not to be changed meanwhile)
    source: null, // {address, html}: the last HTML text the page had (the Source view)
  };

  // always name the scheme, so the email's own dark styles never follow the viewer's system
  // (inverted = light styles, then inverted, as Gmail does)
  function emailScheme() {
    return state.emailTheme === "dark" ? "dark" : "light";
  }

  // The email alone, naming its HTML digest and scheme: what "Open in new tab" opens.
  function emailWanted(template, fixture, digest, scheme) {
    const address = `/api/email?template=${encodeURIComponent(template)}&fixture=${encodeURIComponent(fixture)}` +
      `&v=${digest}&scheme=${scheme}`;
    return { address, digest, scheme, template };
  }

  // The frame's window when this script may change its document: an email of ours, fully
  // there. (Only the window's own properties are used: an email's elements can shadow its
  // document's by name, e.g. <img name="scrollingElement">.)
  function frameWindow() {
    const win = email.frame.contentWindow;
    let ours = false;
    try {
      ours = win.location.pathname === "/api/email"; // throws when a followed link left our origin
    } catch (err) {
      return null;
    }
    return ours && !emailFrame.loading ? win : null;
  }

  function loadFrame(wanted) {
    emailFrame.loading = true;
    email.frame.setAttribute("src", `${wanted.address}&frame=1`);
  }

  function onFrameLoad() {
    emailFrame.loading = false;
    // not ours (the first, empty document, or an error page): the next email loads it again
    if (frameWindow() && emailFrame.shown) email.frame.dataset.shown = emailFrame.shown.address;
  }

  // Show the email `wanted` (see emailWanted) in the frame. `html`: its HTML when the page has
  // it already (a live-reload event); else it is fetched, or the frame loads it itself.
  async function showEmail(wanted, html) {
    const before = emailFrame.shown;
    if (before && before.address === wanted.address) return;
    emailFrame.shown = wanted;
    if (html === undefined && frameWindow()) {
      try {
        const response = await fetch(wanted.address, { cache: "no-store" });
        if (response.ok) html = await response.text();
      } catch (err) {
        // the frame loads it itself below (and shows the browser's error if the server is gone)
      }
      if (emailFrame.shown !== wanted) return; // another email was asked for meanwhile
    }
    const win = html === undefined ? null : frameWindow();
    if (!win || !changeInPlace(win, html)) {
      loadFrame(wanted);
      return;
    }
    if (before && before.template !== wanted.template) win.scrollTo(0, 0);
    emailFrame.source = { address: wanted.address, html };
    email.frame.dataset.shown = wanted.address;
    if (state.emailView === "source") loadSource();
  }

  // The email parsed by the frame's own DOMParser (so under the frame's policy), then the
  // frame's document changed to match; false when it cannot be (another doctype, or a bug).
  function changeInPlace(win, html) {
    try {
      return morphDocument(win.document, new win.DOMParser().parseFromString(html, "text/html"));
    } catch (err) {
      console.warn("ptk preview: the email frame is loaded afresh:", err);
      return false;
    }
  }

  // The Source view: the HTML the frame shows, as text (fetched if the frame loaded it itself).
  async function loadSource() {
    const shown = emailFrame.shown;
    if (!shown) return;
    if (!emailFrame.source || emailFrame.source.address !== shown.address) {
      const response = await fetch(shown.address, { cache: "no-store" });
      const html = await response.text();
      if (emailFrame.shown !== shown) return;
      emailFrame.source = { address: shown.address, html };
    }
    email.source.textContent = emailFrame.source.html;
  }

  function applyEmailView() {
    const data = email.data;
    if (data && data.view.has_html) {
      const wanted = emailWanted(data.template, data.fixture, data.view.html_digest, emailScheme());
      email.openLink.setAttribute("href", wanted.address);
      showEmail(wanted);
    }
    email.openLink.hidden = email.widthLabel.hidden = state.emailView !== "html" || !email.hasHtml;
    email.copyButton.hidden = state.emailView === "html";
    email.copyButton.textContent = state.emailView === "text" ? "Copy text" : "Copy HTML";
    // the buttons follow the state (which an address from history or a bookmark can set too)
    for (const [key, group] of [["emailView", email.viewButtons], ["emailWidth", email.widthButtons], ["emailTheme", email.themeButtons]]) {
      for (const b of group.children) {
        b.classList.toggle("active", b.dataset.value === state[key]);
        b.setAttribute("aria-pressed", b.dataset.value === state[key] ? "true" : "false");
      }
    }
    email.frameBox.className = `frame-box width-${state.emailWidth} theme-${state.emailTheme}`;
    email.frameBox.hidden = state.emailView !== "html" || !email.hasHtml;
    email.htmlMissing.hidden = state.emailView !== "html" || email.hasHtml;
    email.textBox.hidden = state.emailView !== "text";
    // width and colour scheme apply to the HTML only
    email.widthButtons.hidden = email.themeButtons.hidden = state.emailView !== "html";
    email.sourceBox.hidden = state.emailView !== "source";
    if (state.emailView === "source") loadSource();
    email.darkNote.hidden = !(state.emailView === "html" && state.emailTheme === "dark" && email.data && !email.data.view.dark_styles);
  }

  function updateEmail(data) {
    const view = data.view;
    email.subject.textContent = view.subject || "(no subject)";
    email.subject.classList.toggle("placeholder", !view.subject);
    email.preheader.textContent = view.preheader.text || "(no preheader)";
    email.preheaderSource.textContent = view.preheader.text ? `preheader: ${view.preheader.source}` : "";
    email.text.textContent = view.text === null || view.text === undefined ? "(no TextPart)" : view.text;
    email.hasHtml = view.has_html;
    email.data = data;
    const ratio = Math.min(1, view.html_bytes / (view.gmail_clip_bytes * 1.25));
    email.sizeFill.style.width = `${(ratio * 100).toFixed(1)}%`;
    email.sizeFill.classList.toggle("over", view.clipped);
    email.sizeFill.classList.toggle("near", !view.clipped && view.html_bytes > view.gmail_clip_bytes * 0.8);
    email.sizeText.textContent = `${kb(view.html_bytes)} of ${kb(view.gmail_clip_bytes)}` +
      (view.clipped ? " — Gmail will clip this message" : " (Gmail clips above this)");
    applyEmailView();
  }

  // The email frame's right edge: dragging it (or the arrow keys on it) sets the frame's width.
  // The frame is centred, so the width changes by twice the distance the edge moves.
  const MIN_FRAME_WIDTH = 280;
  function makeResizable(box, handle) {
    const setWidth = (width) => {
      const room = box.parentNode ? box.parentNode.clientWidth - 2 : width; // minus the border
      box.style.width = `${Math.round(Math.max(MIN_FRAME_WIDTH, Math.min(room, width)))}px`;
    };
    handle.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      const startX = event.clientX;
      const startWidth = box.clientWidth;
      handle.setPointerCapture(event.pointerId);
      box.classList.add("dragging"); // the frame must not swallow the pointer meanwhile
      const move = (e) => setWidth(startWidth + 2 * (e.clientX - startX));
      const up = () => {
        box.classList.remove("dragging");
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        handle.removeEventListener("pointercancel", up);
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
      handle.addEventListener("pointercancel", up);
    });
    handle.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      event.preventDefault();
      const step = event.shiftKey ? 50 : 10;
      setWidth(box.clientWidth + (event.key === "ArrowRight" ? step : -step));
    });
  }

  // A button that copies text to the clipboard (the page is served from 127.0.0.1 or
  // localhost, which browsers treat as secure, so the clipboard API is there).
  function copyButton(getText, label) {
    const button = el("button", { type: "button", class: "copy", text: label || "Copy" });
    button.addEventListener("click", async () => {
      const original = button.textContent;
      try {
        await navigator.clipboard.writeText(getText());
        button.textContent = "Copied";
      } catch (err) {
        button.textContent = "Copy failed";
      }
      setTimeout(() => { button.textContent = original; }, 1200);
    });
    return button;
  }

  // sms
  // The bubble: characters that force UCS-2 are marked, and a divider shows where each billed
  // part starts (the server packs the parts as the carrier does).
  function smsBubble(view) {
    const offending = new Map(view.offending.map((o) => [o.index, o]));
    const starts = new Set(view.segment_starts || []);
    const chars = Array.from(view.body); // code points, as the server counts them
    const bubble = el("div", { class: "bubble" });
    let run = "";
    const flush = () => { if (run) bubble.append(document.createTextNode(run)); run = ""; };
    chars.forEach((ch, i) => {
      if (starts.has(i)) {
        flush();
        bubble.append(el("span", { class: "segment-break", role: "separator", text: `part ${[...starts].indexOf(i) + 2}` }));
      }
      const bad = offending.get(i);
      if (bad) {
        flush();
        bubble.append(el("mark", { class: "ucs2", title: bad.name + (bad.replacement !== null ? ` → GSM-7: ${spelling(bad.replacement)}` : ""), text: ch }));
      } else run += ch;
    });
    flush();
    if (!chars.length) bubble.append(el("span", { class: "placeholder", text: "(empty message)" }));
    return bubble;
  }

  function spelling(replacement) {
    return replacement === "" ? "delete it" : `“${replacement}”`;
  }

  // The same SMS with every fixture: where variable values change the encoding or the parts.
  function acrossFixtures(rows, current) {
    if (!rows || rows.length < 2) return null;
    const fewest = Math.min(...rows.filter((r) => !r.error).map((r) => r.segments));
    return el("div", { class: "card" }, [
      el("h3", { text: "With every fixture" }),
      el("table", { class: "across" }, [
        el("thead", {}, el("tr", {}, ["Fixture", "Encoding", "Characters", "Segments"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, rows.map((r) => el("tr", { class: r.fixture === current ? "current" : "" }, [
          el("th", { scope: "row" }, el("button", {
            type: "button", class: "linkish", text: r.fixture === NO_FIXTURE ? "(no fixture)" : r.fixture,
            "aria-current": r.fixture === current ? "true" : null,
            on: { click: () => { setRoute({ ...state.route, fixture: r.fixture }, true); showTemplate(false); } },
          })),
          ...(r.error
            ? [el("td", { class: "error-text", colspan: "3", text: "does not render" })]
            : [el("td", { class: r.encoding === "UCS-2" ? "warn-text" : "", text: r.encoding }),
              el("td", { text: String(r.characters) }),
              el("td", { class: r.segments > fewest ? "warn-text" : "", text: String(r.segments) })]),
        ]))),
      ]),
    ]);
  }

  function renderSms(view, data) {
    const stats = el("dl", { class: "stats" }, [
      stat("Characters", view.characters),
      stat("Encoding", view.encoding, view.encoding === "UCS-2" ? "warn" : "ok"),
      stat(view.encoding === "GSM-7" ? "Septets" : "UTF-16 units", `${view.units}`),
      stat("Segments", `${view.segments}`, view.segments > 1 ? "warn" : ""),
      stat("Per segment", `${view.per_segment}`),
    ]);
    // one entry per distinct character, with where it occurs (1-based positions)
    const groups = new Map();
    for (const o of view.offending) {
      if (!groups.has(o.char)) groups.set(o.char, { ...o, at: [] });
      groups.get(o.char).at.push(o.index + 1);
    }
    const all = [...groups.values()];
    const fixable = all.filter((o) => o.replacement !== null);
    const unfixable = all.filter((o) => o.replacement === null);
    const positions = (o) => `×${o.at.length} at ${o.at.slice(0, 6).join(", ")}${o.at.length > 6 ? ", …" : ""}`;
    const alt = view.gsm_alternative;
    const why = view.offending.length
      ? el("div", { class: "card" }, [
        el("h3", { text: `Characters forcing UCS-2: ${view.offending.length} (${groups.size} distinct)` }),
        alt ? el("p", { class: "advice" }, [
          `Every one of them has a GSM-7 spelling. With those, this message is GSM-7: ${alt.units} of ${alt.per_segment} per segment, `,
          el("strong", { text: `${alt.segments} segment${alt.segments === 1 ? "" : "s"}` }),
          alt.segments < view.segments ? ` instead of ${view.segments}.` : ".",
        ]) : null,
        fixable.length ? el("ul", { class: "list offending" }, fixable.map((o) => el("li", {}, [
          el("mark", { class: "ucs2", text: o.char }),
          el("span", { class: "offending-name", text: o.name }),
          el("span", { class: "offending-fix" }, ["→ ", o.replacement === "" ? "delete it" : el("code", { class: "spelling", text: o.replacement })]),
          el("span", { class: "muted small", text: positions(o) }),
        ]))) : null,
        unfixable.length ? el("div", { class: "no-spelling" }, [
          el("p", { class: "small muted", text: `No GSM-7 spelling (${unfixable.length}): this text needs UCS-2. Hover a character for its name and positions.` }),
          el("div", { class: "char-chips" }, unfixable.map((o) =>
            el("span", { class: "char-chip", title: `${o.name} ${positions(o)}`, tabindex: "0", "aria-label": `${o.name} ${positions(o)}` }, [
              el("mark", { class: "ucs2", text: o.char }),
              el("span", { class: "muted small", text: `U+${o.char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}` }),
            ]))),
        ]) : null,
      ])
      : el("p", { class: "muted small", text: "Every character is in the GSM-7 alphabet." });
    return el("div", { class: "sms-layout" }, [
      el("div", { class: "phone" }, [
        el("div", { class: "phone-notch" }),
        el("div", { class: "phone-header", text: "Text Message" }),
        el("div", { class: "phone-screen" }, [smsBubble(view)]),
      ]),
      el("div", { class: "sms-info" }, [el("div", { class: "card" }, [stats, el("div", { class: "card-actions" }, [copyButton(() => view.body, "Copy message")])]), why, acrossFixtures(data && data.across_fixtures, data && data.fixture)]),
    ]);
  }

  function stat(label, value, tone) {
    return el("div", { class: `stat ${tone || ""}` }, [el("dt", { text: label }), el("dd", { text: String(value) })]);
  }

  // push
  function renderPush(view) {
    const cards = view.platforms.map((p) => {
      const ios = p.platform === "APNS" || p.platform === "Default";
      const note = [];
      if (p.title.truncated) note.push(`title cut at ${p.title.limit} of ${p.title.length} characters`);
      if (p.body.truncated) note.push(`body cut at ${p.body.limit} of ${p.body.length} characters`);
      const notification = el("div", { class: `notification ${ios ? "ios" : "android"}` }, [
        el("div", { class: "notification-head" }, [
          el("span", { class: "app-icon" }),
          el("span", { class: "app-name", text: "Your app" }),
          el("span", { class: "when", text: "now" }),
        ]),
        el("div", { class: "notification-title", text: p.title.shown || "" }),
        el("div", { class: "notification-body", text: p.body.shown || "" }),
        p.image_url ? remoteImage(p.image_url, "notification-image") : null,
      ]);
      let size = null;
      if (p.limit) {
        const ratio = p.size === null ? 0 : Math.min(1, p.size / p.limit);
        size = el("div", { class: "size" }, [
          el("span", { class: "muted small", text: "Payload" }),
          el("span", { class: "size-text", text: p.size === null ? "—" : `${p.size} of ${p.limit} bytes` }),
          el("div", { class: "meter" }, [el("div", { class: `meter-fill${ratio > 0.9 ? " over" : ratio > 0.7 ? " near" : ""}`, style: null })]),
        ]);
        size.querySelector(".meter-fill").style.width = `${(ratio * 100).toFixed(1)}%`;
      } else if (p.platform === "Default") {
        size = el("p", { class: "small muted", text: "No payload of its own: a platform without its own part sends this text in its payload." });
      }
      return el("div", { class: "card push-card", dataset: { platform: p.platform } }, [
        el("h3", { text: p.device }),
        el("div", { class: `device ${ios ? "ios" : "android"}` }, [notification]),
        note.length ? el("p", { class: "small warn-text", text: `Truncated on the device: ${note.join("; ")}.` }) : null,
        p.raw ? el("p", { class: "small muted", text: "RawContent: this platform receives the raw payload as written." }) : null,
        p.error ? el("p", { class: "small error-text", text: p.error }) : null,
        size,
      ]);
    });
    return el("div", { class: "push-grid" }, cards.length ? cards : [el("div", { class: "empty", text: "No push content." })]);
  }

  // voice
  function renderVoice(view) {
    const body = el("pre", { class: "voice-body" });
    if (view.ssml) {
      // colour the SSML tags, still as text nodes
      for (const piece of view.body.split(/(<[^>]*>)/)) {
        if (!piece) continue;
        body.append(piece.startsWith("<") ? el("span", { class: "ssml-tag", text: piece }) : document.createTextNode(piece));
      }
    } else {
      body.textContent = view.body;
      body.classList.add("prose"); // plain text reads better in the text font
    }
    const seconds = view.estimated_seconds;
    const duration = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s` : `${seconds} s`;
    return el("div", { class: "voice-layout" }, [
      el("div", { class: "card" }, [el("dl", { class: "stats" }, [
        stat("Language", view.language_code || "—"),
        stat("Voice", view.voice_id || "—"),
        stat("Format", view.ssml ? "SSML" : "Plain text"),
        stat("Words", view.words),
        stat("Estimated duration", duration),
      ]),
      el("p", { class: "muted small", text: `Estimate at ${view.words_per_minute} words per minute` +
        (view.pause_seconds ? ` plus ${view.pause_seconds} s of <break> pauses.` : ".") })]),
      el("div", { class: "card" }, [el("h3", { text: view.ssml ? "SSML" : "Text" }), body]),
    ]);
  }

  // An image named by the template: shown when it loads (http/https only), else its address.
  function remoteImage(url, className) {
    const label = el("div", { class: `${className} image-label`, text: `image: ${url}` });
    if (!/^https?:\/\//i.test(url)) return label;
    const img = el("img", { class: className, alt: "", referrerpolicy: "no-referrer", loading: "lazy" });
    img.addEventListener("error", () => img.replaceWith(label), { once: true });
    img.src = url;
    return img;
  }

  // in-app
  function button(config) {
    const d = (config && config.DefaultConfig) || {};
    if (!d.Text) return null;
    const b = el("span", { class: "iam-button", text: d.Text });
    if (colour(d.BackgroundColor)) b.style.backgroundColor = colour(d.BackgroundColor);
    if (colour(d.TextColor)) b.style.color = colour(d.TextColor);
    if (Number.isFinite(Number(d.BorderRadius))) b.style.borderRadius = `${Number(d.BorderRadius)}px`;
    return b;
  }

  function message(content) {
    const card = el("div", { class: "iam-message" });
    if (colour(content.BackgroundColor)) card.style.backgroundColor = colour(content.BackgroundColor);
    const header = content.HeaderConfig || {};
    const bodyConfig = content.BodyConfig || {};
    if (content.ImageUrl) card.append(remoteImage(content.ImageUrl, "iam-image"));
    if (header.Header) {
      const h = el("div", { class: "iam-header", text: header.Header });
      if (colour(header.TextColor)) h.style.color = colour(header.TextColor);
      h.style.textAlign = (header.Alignment || "LEFT").toLowerCase();
      card.append(h);
    }
    if (bodyConfig.Body) {
      const b = el("div", { class: "iam-body", text: bodyConfig.Body });
      if (colour(bodyConfig.TextColor)) b.style.color = colour(bodyConfig.TextColor);
      b.style.textAlign = (bodyConfig.Alignment || "LEFT").toLowerCase();
      card.append(b);
    }
    const buttons = [button(content.PrimaryBtn), button(content.SecondaryBtn)].filter(Boolean);
    if (buttons.length) card.append(el("div", { class: "iam-buttons" }, buttons));
    return card;
  }

  function renderInapp(view) {
    const layout = view.layout || "";
    const messages = view.content.map(message);
    let inner;
    if (layout === "CAROUSEL") {
      const track = el("div", { class: "iam-track", tabindex: "0", role: "region", "aria-label": `Carousel of ${messages.length} messages, scroll sideways` }, messages);
      const dots = el("div", { class: "iam-dots" }, messages.map((_, i) => el("span", { class: i === 0 ? "on" : "" })));
      track.addEventListener("scroll", () => {
        const step = messages.length > 1 ? messages[1].offsetLeft - messages[0].offsetLeft : 1;
        const at = Math.min(messages.length - 1, Math.round(track.scrollLeft / step));
        [...dots.children].forEach((dot, i) => dot.classList.toggle("on", i === at));
      }, { passive: true });
      inner = el("div", { class: "iam-carousel" }, [track, dots]);
    } else {
      inner = el("div", { class: "iam-stack" }, messages);
    }
    const position = { TOP_BANNER: "top", BOTTOM_BANNER: "bottom", MIDDLE_BANNER: "middle", OVERLAYS: "overlay", MOBILE_FEED: "feed", CAROUSEL: "overlay" }[layout] || "middle";
    const custom = Object.keys(view.custom_config || {});
    return el("div", { class: "sms-layout" }, [
      el("div", { class: "phone" }, [
        el("div", { class: "phone-notch" }),
        el("div", { class: `phone-screen app-screen pos-${position}` }, [
          el("div", { class: "app-skeleton" }, [el("div"), el("div"), el("div"), el("div")]),
          el("div", { class: "iam-layer" }, [inner]),
        ]),
      ]),
      el("div", { class: "sms-info" }, [
        el("div", { class: "card" }, [el("dl", { class: "stats" }, [
          stat("Layout", layout || "—"),
          stat("Messages", view.content.length),
          stat("Custom data keys", custom.length ? custom.join(", ") : "—"),
        ])]),
        el("div", { class: "card" }, [
          el("h3", { text: "Buttons" }),
          el("ul", { class: "list" }, view.content.map((c, i) => el("li", {}, [
            el("div", { class: "small muted", text: `Message ${i + 1}${c.HeaderConfig && c.HeaderConfig.Header ? ": " + c.HeaderConfig.Header : ""}` }),
            ...[["Primary", c.PrimaryBtn], ["Secondary", c.SecondaryBtn]].filter(([, b]) => b && b.DefaultConfig)
              .map(([label, b]) => el("div", { class: "small" }, [
                el("strong", { text: `${label}: ` }),
                `${b.DefaultConfig.Text || "(no text)"} → ${b.DefaultConfig.ButtonAction || "CLOSE"}`,
                b.DefaultConfig.Link ? el("code", { text: ` ${b.DefaultConfig.Link}` }) : null,
              ])),
          ]))),
        ]),
      ]),
    ]);
  }

  // ---- send: the "Send test" button (when the preview allows sending) ----------------------
  //
  // The button shows only when the server allows sending and an environment is configured.
  // The form is the confirmation: it names what is sent through which environment, and the
  // recipient is typed for each send (the field is emptied after every send and whenever the
  // form opens). The POST carries the session's token (X-PTK-Token); the server also refuses
  // any write that does not come from this page's own origin.
  const PLATFORMS = [["apns", "iOS (APNs)"], ["apns-sandbox", "iOS sandbox (APNs)"], ["fcm", "Android (FCM)"],
    ["adm", "Fire OS (ADM)"], ["baidu", "Baidu"]];
  const RECIPIENT_HINTS = { email: "name@example.com", sms: "+14255550142", voice: "+14255550142", push: "device token" };

  async function loadSendSettings() {
    try {
      const { data } = await getJSON("/api/send");
      state.send = data;
    } catch (err) {
      state.send = null;
    }
    const envs = (state.send && state.send.environments) || [];
    $("outbox-link").hidden = !envs.some((e) => e.outbox);
  }

  function sendable() {
    const send = state.send;
    return Boolean(send && send.allowed && (send.environments || []).length &&
      (send.channels || []).includes(state.route.channel));
  }

  function updateSendButton(shown) {
    const ok = shown && sendable();
    $("send-button").hidden = !ok;
    if (!ok) toggleSendPanel(false);
    else if (!$("send-panel").hidden) describeSend();
  }

  function toggleSendPanel(open) {
    $("send-panel").hidden = !open;
    $("send-button").setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) return;
    const envs = state.send.environments;
    const envSelect = $("send-env");
    const previous = envSelect.value;
    replaceChildren(envSelect, envs.map((e) => el("option", { value: e.name, text: e.name })));
    if (envs.some((e) => e.name === previous)) envSelect.value = previous;
    $("send-env-field").hidden = envs.length < 2;
    if (!$("send-platform").options.length) {
      replaceChildren($("send-platform"), PLATFORMS.map(([value, label]) => el("option", { value, text: label })));
    }
    $("send-to").value = "";
    replaceChildren($("send-result"), []);
    describeSend();
    $("send-to").focus();
  }

  function chosenEnvironment() {
    return state.send.environments.find((e) => e.name === $("send-env").value) || state.send.environments[0];
  }

  function describeSend() {
    const route = state.route;
    const env = chosenEnvironment();
    if (!env) return;
    $("send-platform-field").hidden = route.channel !== "push";
    $("send-to").placeholder = RECIPIENT_HINTS[route.channel] || "";
    const where = [env.region, env.endpoint_url].filter(Boolean).join(", ");
    $("send-what").textContent = `Sends ${route.template} · ${CHANNEL_LABELS[route.channel] || route.channel} · ` +
      `${route.fixture === NO_FIXTURE ? "no fixture" : `fixture ${route.fixture}`}, rendered as shown here, ` +
      `through environment ${env.name}${where ? ` (${where})` : ""}.`;
  }

  async function onSend(event) {
    event.preventDefault();
    const route = state.route;
    const env = chosenEnvironment();
    const to = $("send-to").value.trim();
    if (!to || !env) return;
    const body = { template: route.template, channel: route.channel, fixture: route.fixture, to, env: env.name };
    if (route.channel === "push") body.platform = $("send-platform").value;
    $("send-submit").disabled = true;
    replaceChildren($("send-result"), el("p", { class: "muted small", text: `Sending to ${to}…` }));
    let answer;
    try {
      const response = await fetch("/api/send", {
        method: "POST", cache: "no-store", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-PTK-Token": state.send.token || "" },
      });
      answer = { status: response.status, data: await response.json().catch(() => ({ error: { message: `HTTP ${response.status}` } })) };
    } catch (err) {
      answer = { status: 0, data: { error: { message: `the preview server did not answer (${err})` } } };
    } finally {
      $("send-submit").disabled = false;
    }
    $("send-to").value = ""; // typed again for the next send
    const data = answer.data || {};
    if (data.error) {
      const error = data.error;
      replaceChildren($("send-result"), el("div", { class: "send-error" }, [
        el("p", { class: "error-text", text: `Not sent: ${error.message}` }),
        error.hint ? el("p", { class: "muted small", text: `Hint: ${error.hint}` }) : null,
        (error.problems || []).length ? findingList(error.problems) : null,
      ]));
      return;
    }
    replaceChildren($("send-result"), el("p", { class: "send-ok" }, [
      el("strong", { text: "Sent. " }),
      `${data.to}, message id `, el("code", { text: data.message_id }),
      data.outbox ? el("a", { class: "send-outbox", href: `#/outbox?env=${encodeURIComponent(data.environment)}`, text: " See it in the outbox →" }) : null,
    ]));
  }

  // ---- the Outbox page: what the local emulator received ----------------------------------
  //
  // Read through the preview server (/api/outbox): the emulator's outbox sends no CORS
  // headers. An email is shown in <iframe sandbox> (no script, no same-origin) under the
  // preview's email policy; an SMS as a phone bubble with its encoding and segments.
  const outbox = { shown: "" }; // the ids listed now: a poll that finds the same list changes nothing

  async function showOutbox(poll) {
    if (!state.send) await loadSendSettings();
    const envs = ((state.send && state.send.environments) || []).filter((e) => e.outbox);
    $("index-view").hidden = true;
    $("template-view").hidden = true;
    $("outbox-view").hidden = false;
    document.title = "Outbox · ptk preview";
    replaceChildren($("crumbs"), [el("a", { href: "#/", text: "Templates" }), el("span", { class: "sep", text: "/" }), el("span", { text: "Outbox" })]);
    const name = state.route.env && envs.some((e) => e.name === state.route.env) ? state.route.env : (envs[0] || {}).name;
    if (!poll) {
      replaceChildren($("outbox-env"), envs.map((e) => el("option", { value: e.name, text: e.name })));
      $("outbox-env-field").hidden = envs.length < 2;
    }
    if (!name) {
      outbox.shown = "";
      $("outbox-info").textContent = "";
      replaceChildren($("outbox-list"), el("div", { class: "empty" }, [
        el("h2", { text: "No environment sends to a local emulator" }),
        el("p", { text: "The outbox is the ptk emulator's: set endpoint_url of an environment in ptk.toml to it, e.g. http://127.0.0.1:4599, and run ptk emulator --port 4599." }),
      ]));
      return;
    }
    $("outbox-env").value = name;
    const { data } = await getJSON(`/api/outbox?env=${encodeURIComponent(name)}`);
    if (state.route.view !== "outbox") return;
    if (data.error) {
      outbox.shown = "";
      $("outbox-info").textContent = "";
      replaceChildren($("outbox-list"), el("div", { class: "empty" }, [
        el("h2", { text: "The outbox cannot be read" }),
        el("p", { text: data.error.message }),
        data.error.hint ? el("p", { class: "muted small", text: data.error.hint }) : null,
      ]));
      return;
    }
    const messages = data.messages || [];
    $("outbox-info").textContent = `${messages.length} message${messages.length === 1 ? "" : "s"} received by the emulator at ${data.url} (environment ${name}), newest first; nothing was delivered.`;
    const ids = `${name}|${messages.map((m) => m.id).join(",")}`;
    if (poll && ids === outbox.shown) return;
    outbox.shown = ids;
    replaceChildren($("outbox-list"), messages.length
      ? messages.map((m) => outboxEntry(m, name))
      : [el("div", { class: "empty", text: "Nothing sent yet. Send a test with ptk send, or with the Send test button of a channel page." })]);
  }

  function outboxEntry(m, envName) {
    const head = el("div", { class: "outbox-head" }, [
      el("span", { class: `chip ch-${m.channel}`, text: CHANNEL_LABELS[m.channel] || m.channel }),
      el("span", { class: "outbox-route", text: `${m.from || m.platform || "?"} → ${(m.to || []).join(", ")}` }),
      el("span", { class: "muted small", text: new Date(m.time).toLocaleString() }),
      el("code", { class: "muted small outbox-id", text: m.id }),
    ]);
    const render = { email: outboxEmail, sms: outboxSms, voice: outboxVoice, push: outboxPush }[m.channel];
    return el("article", { class: "card outbox-entry", dataset: { id: m.id, channel: m.channel } },
      [head, render ? render(m, envName) : null]);
  }

  function outboxEmail(m, envName) {
    const frame = m.has_html ? el("iframe", {
      class: "outbox-frame", title: `Email HTML of ${m.id} (sandboxed)`, sandbox: "", referrerpolicy: "no-referrer", loading: "lazy",
      src: `/api/outbox/email?env=${encodeURIComponent(envName)}&id=${encodeURIComponent(m.id)}`,
    }) : el("p", { class: "muted small", text: "No HTML part." });
    return el("div", { class: "outbox-body" }, [
      el("div", { class: "inbox-subject", text: m.subject || "(no subject)" }),
      m.template ? el("p", { class: "muted small", text: "Sent with an SES template: shown as stored, unrendered." }) : null,
      frame,
      m.text !== null && m.text !== undefined ? el("details", { class: "outbox-text" }, [
        el("summary", { text: "Text part" }), el("pre", { class: "textpart", text: m.text }),
      ]) : null,
      m.eml_url ? el("p", { class: "small" }, [el("a", { href: m.eml_url, download: "", rel: "noopener noreferrer", text: "Download as .eml" }),
        el("span", { class: "muted", text: " (opens in a mail client)" })]) : null,
    ]);
  }

  function outboxSms(m) {
    const view = m.view;
    return el("div", { class: "outbox-body outbox-sms" }, [
      el("div", { class: "phone outbox-phone" }, [
        el("div", { class: "phone-notch" }),
        el("div", { class: "phone-header", text: m.from || "Text Message" }),
        el("div", { class: "phone-screen" }, [smsBubble(view)]),
      ]),
      el("div", { class: "outbox-facts" }, [
        el("dl", { class: "stats" }, [
          stat("Characters", view.characters),
          stat("Encoding", view.encoding, view.encoding === "UCS-2" ? "warn" : "ok"),
          stat("Segments", `${view.segments}`, view.segments > 1 ? "warn" : ""),
        ]),
        el("p", { class: "muted small", text: `Message type ${m.message_type || "(service default)"} · keyword ${m.keyword || "(none)"}` }),
      ]),
    ]);
  }

  function outboxVoice(m) {
    return el("div", { class: "outbox-body" }, [
      el("dl", { class: "stats" }, [stat("Voice", m.voice_id || "—"), stat("Format", m.text_type || "—")]),
      el("pre", { class: "voice-body", text: m.body || "" }),
    ]);
  }

  function outboxPush(m) {
    const ios = /^APNS/.test(m.platform || "");
    return el("div", { class: "outbox-body" }, [
      el("div", { class: `device ${ios ? "ios" : "android"}` }, [el("div", { class: `notification ${ios ? "ios" : "android"}` }, [
        el("div", { class: "notification-head" }, [el("span", { class: "app-icon" }), el("span", { class: "app-name", text: m.platform }), el("span", { class: "when", text: "now" })]),
        el("div", { class: "notification-title", text: m.title || "" }),
        el("div", { class: "notification-body", text: m.body || "" }),
      ])]),
    ]);
  }

  // ---- live reload ------------------------------------------------------------------------

  function setLive(status, text) {
    $("live").dataset.state = status;
    $("live-text").textContent = text;
  }

  function showBanner(error, stale) {
    const banner = $("banner");
    banner.hidden = !error;
    if (!error) return clear(banner);
    replaceChildren(banner, [
      el("div", { class: "banner-head" }, [
        el("span", { class: "overlay-badge", text: "Error" }),
        where(error) ? el("code", { class: "banner-where", text: where(error) }) : null,
      ]),
      el("div", { class: "banner-message", text: error.message || "" }),
      error.hint ? el("div", { class: "banner-hint", text: `Hint: ${error.hint}` }) : null,
      stale ? el("div", { class: "banner-note", text: "The list below is from the last good load. Fix the file and save; this message goes away." }) : null,
    ]);
  }

  // `update`: what the live-reload event carried for the view open here, if anything.
  async function refresh(fromReload, update) {
    try {
      if (state.route.view === "template") await showTemplate(fromReload, liveAnswer(update));
      else if (state.route.view === "outbox") await showOutbox();
      else await showIndex();
    } catch (err) {
      setLive("down", "error");
    }
  }

  // One long poll at a time. A hidden tab gives its connection back (browsers allow only a
  // few per server) and asks again when it is shown; the server answers at once then if
  // something changed meanwhile.
  let pollAbort = null;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && pollAbort) pollAbort.abort();
  });

  function whenVisible() {
    if (!document.hidden) return Promise.resolve();
    return new Promise((resolve) => {
      const onChange = () => {
        if (!document.hidden) { document.removeEventListener("visibilitychange", onChange); resolve(); }
      };
      document.addEventListener("visibilitychange", onChange);
    });
  }

  // What the long poll tells the server about the view open here, so that the event can carry
  // the change for it (see live_update in toolkit/serve/api.py): the template, channel and
  // fixture, and for email the colour scheme and the HTML digest the frame shows.
  function liveQuery() {
    const route = state.route;
    if (route.view !== "template" || !route.channel) return "";
    const query = new URLSearchParams({ template: route.template, channel: route.channel });
    if (route.fixture) query.set("fixture", route.fixture);
    if (route.channel === "email") {
      query.set("scheme", emailScheme());
      const shown = emailFrame.shown;
      if (shown && shown.scheme === emailScheme()) query.set("have", shown.digest);
    }
    return `&${query}`;
  }

  // The /api/render answer an event carried, when it is for the view open now; its email HTML
  // goes into the frame at once, before the rest of the page is updated. (null: fetch the view)
  function liveAnswer(update) {
    const route = state.route;
    const answer = update && update.render;
    if (!answer || route.view !== "template" || answer.template !== route.template ||
        answer.channel !== route.channel || (route.fixture && answer.fixture !== route.fixture)) return null;
    const html = update.email;
    if (html && email.frame && html.scheme === emailScheme()) {
      showEmail(emailWanted(answer.template, answer.fixture, html.digest, html.scheme), html.html);
    }
    return answer;
  }

  async function pollLoop() {
    for (;;) {
      await whenVisible();
      pollAbort = new AbortController();
      try {
        const since = state.epoch === null ? "" : `?since=${state.epoch}${liveQuery()}`;
        const response = await fetch(`/api/events${since}`, { cache: "no-store", signal: pollAbort.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        if (data.closed) {
          setLive("down", "server stopped");
          await new Promise((r) => setTimeout(r, 1000));
          continue; // a restarted server has another epoch: the page then refreshes
        }
        const changed = state.epoch !== null && data.epoch !== state.epoch;
        state.epoch = data.epoch;
        setLive("up", "live");
        if (changed) {
          await refresh(true, data.update);
          setLive("up", `updated ${new Date().toLocaleTimeString()}`);
        }
      } catch (err) {
        if (err && err.name === "AbortError") continue; // the tab was hidden
        setLive("down", "reconnecting");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  // ---- start ------------------------------------------------------------------------------

  window.addEventListener("hashchange", () => { state.route = parseRoute(); refresh(false); });
  window.addEventListener("popstate", () => { state.route = parseRoute(); refresh(false); });
  document.addEventListener("DOMContentLoaded", () => {
    $("channel-tabs").addEventListener("keydown", onTabKey);
    $("filter").addEventListener("input", applyFilter);
    $("filter").addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.target.value = ""; applyFilter(); }
      if (event.key === "Enter") { // open the only (or first) match
        const first = $("template-list").querySelector(".template-card:not([hidden])");
        if (first) first.click();
      }
    });
    // "/" focuses the filter on the index, as in many code hosts
    document.addEventListener("keydown", (event) => {
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
      if (event.key === "/" && !typing && state.route.view === "index" && !$("filter-box").hidden) {
        event.preventDefault();
        $("filter").focus();
      }
    });
    $("engine-badge").addEventListener("click", () => { // open the Java output
      const details = $("engines").querySelector("details");
      if (details) details.open = true;
      $("engines-card").scrollIntoView({ block: "nearest" });
    });
    $("fixture-select").addEventListener("change", (event) => {
      setRoute({ ...state.route, fixture: event.target.value }, true);
      showTemplate(false);
    });
    $("send-button").addEventListener("click", () => toggleSendPanel($("send-panel").hidden));
    $("send-cancel").addEventListener("click", () => toggleSendPanel(false));
    $("send-form").addEventListener("submit", onSend);
    $("send-env").addEventListener("change", describeSend);
    $("send-platform").addEventListener("change", describeSend);
    $("outbox-env").addEventListener("change", (event) => {
      history.replaceState(null, "", `#/outbox?env=${encodeURIComponent(event.target.value)}`);
      state.route = parseRoute();
      showOutbox();
    });
    setInterval(() => { if (state.route.view === "outbox" && !document.hidden) showOutbox(true); }, OUTBOX_POLL_MS);
    state.route = parseRoute();
    start();
  });

  // The epoch is taken before the first data is fetched: a change saved after that moment
  // wakes the long poll, so a change saved while the page loads is never missed. (The other
  // way round, a change landing between the data and the epoch would leave the page stale.)
  async function start() {
    try {
      const response = await fetch("/api/events", { cache: "no-store" });
      if (response.ok) state.epoch = (await response.json()).epoch;
    } catch (err) {
      // the poll loop below keeps asking and reports the connection
    }
    await loadSendSettings(); // never throws
    refresh(false);
    pollLoop();
  }
})();
