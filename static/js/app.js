// Registers the service worker that caches the shell, so the site installs as a web app.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
}

// A printable notice's "Print" button (inline handlers are not allowed by the CSP).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target && target.closest && target.closest("[data-print]")) {
    window.print();
  }
});

// Forms marked data-keep (the meeting recorder, on a phone in a weak network) keep what was
// typed in this browser while it is typed, send with fetch, and when there is no connection
// keep the whole submission in an outbox that is sent as soon as the connection returns.
// A form's hidden client_key lets the server recognise a submission sent twice.
(function () {
  var OUTBOX = "lianyun-outbox";
  var storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  function key(form) {
    return "lianyun-draft:" + location.pathname + ":" + form.getAttribute("data-keep");
  }
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function newKey(form) {
    var input = form.querySelector("input[name=client_key]");
    if (input && !input.value) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      input.value = Array.prototype.map
        .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
        .join("");
    }
  }
  function entries(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }
  function restore(form, pairs) {
    pairs.forEach(function (pair) {
      var field = form.elements.namedItem(pair[0]);
      if (!field) return;
      if (field.type === "checkbox") field.checked = true;
      else if (field.length && field.tagName !== "SELECT") {
        Array.prototype.forEach.call(field, function (option) {
          if (option.value === pair[1]) option.checked = true;
        });
      } else field.value = pair[1];
    });
  }
  function readOutbox() {
    try {
      return JSON.parse(storage.getItem(OUTBOX) || "[]");
    } catch (error) {
      return [];
    }
  }
  function showNote(visible) {
    var note = document.querySelector("[data-offline-note]");
    if (note) note.hidden = !visible;
  }
  function post(action, pairs) {
    var body = new URLSearchParams();
    pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", token());
    return fetch(action, { method: "POST", body: body, credentials: "same-origin" });
  }
  function flush() {
    var waiting = readOutbox();
    if (!waiting.length || !navigator.onLine) {
      showNote(waiting.length > 0);
      return;
    }
    var item = waiting[0];
    post(item.action, item.pairs)
      .then(function () {
        storage.setItem(OUTBOX, JSON.stringify(readOutbox().slice(1)));
        if (readOutbox().length) flush();
        else location.reload();
      })
      .catch(function () { showNote(true); });
  }
  document.querySelectorAll("form[data-keep]").forEach(function (form) {
    var saved = storage.getItem(key(form));
    if (saved) restore(form, JSON.parse(saved));
    newKey(form);
    form.addEventListener("input", function () {
      storage.setItem(key(form), JSON.stringify(entries(form)));
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      newKey(form);
      var pairs = entries(form);
      var action = form.getAttribute("action") || location.pathname;
      function keep() {
        var waiting = readOutbox();
        waiting.push({ action: action, pairs: pairs });
        storage.setItem(OUTBOX, JSON.stringify(waiting));
        storage.removeItem(key(form));
        showNote(true);
      }
      if (!navigator.onLine) {
        keep();
        return;
      }
      // Online, the whole form goes, files included; the outbox keeps only what was typed.
      fetch(action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (response.ok && response.redirected) {
            storage.removeItem(key(form));
            location.assign(response.url);
          } else {
            // Refused (a clear message on the page) or an error: the real form shows it.
            storage.removeItem(key(form));
            HTMLFormElement.prototype.submit.call(form);
          }
        })
        .catch(keep);
    });
  });
  window.addEventListener("online", flush);
  flush();
})();

// A visit form shows only the checklist of the kind of visit chosen.
document.querySelectorAll("select[name=kind]").forEach(function (kind) {
  function show() {
    document.querySelectorAll("select[data-kind]").forEach(function (point) {
      var field = point.closest(".field");
      if (field) field.hidden = point.getAttribute("data-kind") !== kind.value;
    });
  }
  kind.addEventListener("change", show);
  show();
});

// A paper ballot's QR code carries its code after "#", which the browser never sends to the
// server: put it in the form and open the ballot.
document.querySelectorAll("form[data-ballot]").forEach(function (form) {
  var code = decodeURIComponent(location.hash.replace(/^#/, ""));
  var input = form.querySelector("input[name=code]");
  if (code && input && !input.value) {
    input.value = code;
    history.replaceState(null, "", location.pathname);
    // With a proof of work on the page, static/js/pow.js sends it once the work is done.
    if (form.querySelector("altcha-widget")) form.setAttribute("data-autosubmit", "");
    else form.submit();
  }
});

// A survey question shown only for a given answer to an earlier one.
(function () {
  var dependent = document.querySelectorAll("[data-show-if]");
  if (!dependent.length) {
    return;
  }
  function chosen(name) {
    return Array.prototype.map.call(
      document.querySelectorAll("input[name='" + name + "']:checked"),
      function (input) { return input.value; }
    );
  }
  function update() {
    dependent.forEach(function (block) {
      var show = chosen(block.getAttribute("data-show-if")).indexOf(
        block.getAttribute("data-show-value")
      ) >= 0;
      block.hidden = !show;
    });
  }
  document.addEventListener("change", update);
  update();
})();

// An exam's time left, counted down on the page (the server keeps the real clock).
document.querySelectorAll("[data-countdown]").forEach(function (clock) {
  var end = Date.now() + 1000 * parseInt(clock.getAttribute("data-countdown"), 10);
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left > 0) {
      setTimeout(tick, 1000);
    }
  }
  tick();
});

// A talk's page reports every half minute while it is open and in view; the server counts the
// time between reports (at most a minute each) towards the talk's attendance.
(function () {
  var box = document.querySelector("[data-heartbeat]");
  if (!box) return;
  var url = box.getAttribute("data-heartbeat");
  var shown = box.querySelector("[data-attended-minutes]");
  function beat() {
    if (document.visibilityState !== "visible") return;
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    body.append("csrfmiddlewaretoken", input ? input.value : "");
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !shown) return;
        shown.textContent = String(Math.floor(data.seconds / 60));
        if (data.attended) box.setAttribute("data-attended", "1");
      })
      .catch(function () {});
  }
  beat();
  setInterval(beat, 30000);
})();

// An exam paper keeps each answer on the server as it is ticked or typed, so that 核对, a
// reload or another device loses nothing. The paper still works without this script: every
// answer then travels with 核对 or with handing in.
(function () {
  var paper = document.querySelector("form[data-keep-answers]");
  if (!paper) return;
  var url = paper.getAttribute("data-keep-answers");
  function keep(event) {
    var name = event.target && event.target.name;
    if (!name || !/^q\d+$/.test(name)) return;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", paper.querySelector("input[name=csrfmiddlewaretoken]").value);
    paper.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      body.append(name, input.value);
    });
    fetch(url, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
  }
  paper.addEventListener("change", keep);
})();

// One-time submission keys (core.once): a form reached again with the back button and sent
// again carries the key it was first sent with, so the server leads it to the first result
// instead of filing it twice. A form opened afresh (a link, a reload) keeps its new key.
(function () {
  var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var returning = nav && nav.type === "back_forward";
  document.querySelectorAll("input[name=_once]").forEach(function (input, index) {
    var slot = "lianyun-once:" + location.pathname + location.search + ":" + index;
    try {
      if (returning && sessionStorage.getItem(slot)) input.value = sessionStorage.getItem(slot);
      input.form.addEventListener("submit", function () {
        sessionStorage.setItem(slot, input.value);
      });
    } catch (e) { /* storage refused: the key stays as the server made it */ }
  });
})();

// Forms marked data-draft (a petition, a question, a survey, a dispute: long to type on a
// phone) keep what was typed on this device until it has been sent: a reload, a dropped
// connection or tomorrow's visit finds it again. Sending marks the draft; arriving on any
// other page afterwards (where a sent form leads) drops it, while coming back to the form
// (an error, a failed send) keeps it. Hidden fields, files and keys are not kept.
(function () {
  var storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  var PREFIX = "lianyun-text:";
  Object.keys(storage).forEach(function (name) {
    if (name.indexOf(PREFIX) !== 0) return;
    try {
      var draft = JSON.parse(storage.getItem(name));
      if (draft.sent && draft.path !== location.pathname) storage.removeItem(name);
    } catch (error) {
      storage.removeItem(name);
    }
  });
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var slot = PREFIX + location.pathname + ":" + form.getAttribute("data-draft");
    function kept() {
      var fields = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "hidden" || field.type === "file" || field.type === "password") return;
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
        (fields[field.name] = fields[field.name] || []).push(field.value);
      });
      return fields;
    }
    try {
      var saved = JSON.parse(storage.getItem(slot) || "null");
      if (saved && saved.fields) {
        Object.keys(saved.fields).forEach(function (name) {
          var values = saved.fields[name];
          Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (field) {
            if (field.type === "radio" || field.type === "checkbox") {
              if (!form.querySelector("[name='" + name + "']:checked")) field.checked = values.indexOf(field.value) >= 0;
            } else if (!field.value) {
              field.value = values[0];
            }
          });
        });
        // What depends on an answer (a question shown only after it) follows the restored one.
        form.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } catch (error) { /* a damaged draft is ignored */ }
    function save(sent) {
      storage.setItem(slot, JSON.stringify({ path: location.pathname, sent: sent, fields: kept() }));
    }
    form.addEventListener("input", function () { save(false); });
    form.addEventListener("change", function () { save(false); });
    form.addEventListener("submit", function () { save(true); });
  });
})();

// Large text: one button on every page scales all text and every target; the choice stays on
// this device. The class is also set before the page draws (see the head of base.html).
(function () {
  var button = document.querySelector("[data-large-text]");
  if (!button) return;
  function apply(on) {
    document.documentElement.classList.toggle("large", on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  var on = false;
  try { on = localStorage.getItem("lianyun-large") === "1"; } catch (e) {}
  apply(on);
  button.addEventListener("click", function () {
    on = !document.documentElement.classList.contains("large");
    try { localStorage.setItem("lianyun-large", on ? "1" : "0"); } catch (e) {}
    apply(on);
  });
})();

// Tables with three columns or more stack into cards on a phone: each cell carries its
// column's name.
document.querySelectorAll("main table").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  if (heads.length < 3) return;
  table.classList.add("stacked");
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, i) {
      var head = heads[i] && heads[i].textContent.trim();
      if (head && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", head);
    });
  });
});

// "Read aloud" on policy and article pages: the phone's own speech synthesis reads the text,
// with no server and no network.
document.querySelectorAll("[data-speak]").forEach(function (button) {
  if (!("speechSynthesis" in window)) {
    button.hidden = true;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (speechSynthesis.speaking) {
      speechSynthesis.cancel();
      return;
    }
    var source = document.querySelector(button.getAttribute("data-speak"));
    if (!source) return;
    var words = new SpeechSynthesisUtterance(source.innerText);
    words.lang = document.documentElement.lang === "en" ? "en-US" : "zh-CN";
    words.rate = 0.9;
    speechSynthesis.speak(words);
  });
});
