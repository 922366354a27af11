// Keyboard shortcuts of Vigil's moderation queue and of a case's page.
//
// On the queue, j / k (or the down and up arrows) move a visible selection
// through the cases, Enter opens the selected case and c claims it by
// submitting its row's claim form.
//
// On a case's page, j / k step to the next / previous case of the queue
// the moderator came from (its links, which htmx follows without loading
// the whole page), c claims the case, e moves to the evidence, t unfolds
// the resolution templates, whose digit 1–9 chooses one and says what
// closing with it will do, r moves to the form that closes the case,
// whose button then needs Enter: no single key closes a case. Escape goes
// back to the queue and ? lists the keys in a dialog.
//
// The pages work without this file; it only adds the shortcuts and shows
// the lines that explain them. Nothing here is inline, as the console's
// content security policy requires. Elements are looked up on every key,
// so content that htmx swapped in works the same.
(function () {
  "use strict";

  var selectedClass = "is-selected";

  // typing reports whether the key goes into a form control, where the
  // letters and arrows are the user's text and choices.
  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName));
  }

  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }

  // --- The queue ------------------------------------------------------------

  // rows are the queue's case rows, in order.
  function rows() {
    return all("#queue tbody tr[data-case]");
  }

  // select moves the selection to row i: marked for sight and for screen
  // readers, its case link focused and the row scrolled into view.
  function select(list, i) {
    list.forEach(function (r) {
      r.classList.remove(selectedClass);
      r.removeAttribute("aria-current");
    });
    var row = list[i];
    row.classList.add(selectedClass);
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.case-link");
    if (link) {
      link.focus({ preventScroll: true });
    }
    row.scrollIntoView({ block: "nearest" });
  }

  // queueKey handles a key on the queue, reporting whether it did.
  function queueKey(e) {
    var list = rows();
    if (list.length === 0) {
      return false;
    }
    var i = list.findIndex(function (r) { return r.classList.contains(selectedClass); });
    var row = i >= 0 ? list[i] : null;
    switch (e.key) {
      case "j":
      case "ArrowDown":
        select(list, Math.min(i + 1, list.length - 1));
        return true;
      case "k":
      case "ArrowUp":
        select(list, Math.max(i - 1, 0));
        return true;
      case "Enter":
        // A focused link or button does what Enter does anyway.
        var active = document.activeElement;
        if (!row || (active && /^(A|BUTTON)$/.test(active.tagName))) {
          return false;
        }
        window.location.assign(row.querySelector("a.case-link").href);
        return true;
      case "c":
        var claim = row && row.querySelector("form.claim");
        if (!claim) {
          return false;
        }
        claim.requestSubmit();
        return true;
    }
    return false;
  }

  // --- A case ---------------------------------------------------------------

  // focusOn moves the focus to el and brings it into view, its focus ring
  // too.
  function focusOn(el) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "center" });
  }

  // follow activates a link, which htmx turns into a swap; false if there
  // is none (the first or last case).
  function follow(link) {
    if (!link) {
      return false;
    }
    link.click();
    return true;
  }

  // toEvidence moves to the next part of the evidence, after the one the
  // focus is in: the content with its evidence marked, what the check
  // found, what the detectors found in the reports. What is folded away
  // there (the stored data) opens.
  function toEvidence() {
    var parts = all("[data-evidence]");
    if (parts.length === 0) {
      return false;
    }
    var i = parts.findIndex(function (p) { return p.contains(document.activeElement); });
    var part = parts[(i + 1) % parts.length];
    all("details", part).forEach(function (d) { d.open = true; });
    focusOn(part.querySelector("h2"));
    return true;
  }

  // closingBox is a closing form's <details>.
  function closingBox(action) {
    return document.getElementById("close-" + action);
  }

  // preview says in a closing form what submitting it with the template
  // chosen will do: the action and its effect, and the resolution the
  // reporters and the marketplace are sent.
  function preview(box) {
    var chosen = box.querySelector("select[name=template]");
    var out = box.querySelector(".preview");
    if (!chosen || !out) {
      return;
    }
    if (!chosen.value) {
      out.hidden = true;
      out.replaceChildren();
      return;
    }
    var what = document.createElement("strong");
    what.textContent = box.dataset.closing + ":";
    var help = box.querySelector(".help");
    out.replaceChildren(what, " " + (help ? help.textContent.trim() : "") + " Resolution: “" +
      chosen.selectedOptions[0].textContent.trim() + "”");
    out.hidden = false;
  }

  // choose applies a template pick to its closing form: the form opens
  // with the template chosen and its preview shown, and its button takes
  // the focus, so that Enter applies it.
  function choose(pick) {
    var box = pick && closingBox(pick.dataset.action);
    if (!box) {
      return false;
    }
    box.open = true;
    box.querySelector("select[name=template]").value = pick.dataset.template;
    preview(box);
    focusOn(box.querySelector("button[type=submit]"));
    return true;
  }

  // toClosing moves to the form that closes the case: the one open (a
  // template chosen, say), else Resolve. Its button takes the focus once
  // a template or a resolution is given, else its first field.
  function toClosing() {
    var boxes = all("details[data-closing]");
    if (boxes.length === 0) {
      return false;
    }
    var box = boxes.find(function (b) { return b.open; }) || closingBox("resolve") || boxes[0];
    box.open = true;
    var chosen = box.querySelector("select[name=template]");
    var text = box.querySelector("textarea[name=resolution]");
    var ready = (chosen && chosen.value) || (text && text.value.trim());
    focusOn(ready ? box.querySelector("button[type=submit]") : box.querySelector("select, textarea, input:not([type=hidden])"));
    return true;
  }

  // The help dialog, and the element that had the focus before it opened.
  var helpFrom = null;

  function openHelp() {
    var dialog = document.getElementById("keys-help");
    if (!dialog || dialog.open) {
      return false;
    }
    helpFrom = document.activeElement;
    dialog.showModal();
    return true;
  }

  // caseKey handles a key on a case's page, reporting whether it did.
  function caseKey(e) {
    var main = document.getElementById("main");
    if (!main || !main.querySelector("[data-case-page]")) {
      return false;
    }
    // htmx sets up what it swapped in a moment after the swap; until then
    // its links and forms would load the whole page.
    if (window.htmx) {
      window.htmx.process(main);
    }
    switch (e.key) {
      case "j":
        return follow(document.querySelector("a[rel=next]"));
      case "k":
        return follow(document.querySelector("a[rel=prev]"));
      case "c":
        var claim = document.getElementById("claim");
        if (!claim) {
          return false;
        }
        claim.form.requestSubmit(claim);
        return true;
      case "e":
        return toEvidence();
      case "t":
        var picker = document.getElementById("template-picker");
        if (!picker) {
          return false;
        }
        picker.open = true;
        focusOn(picker.querySelector(".pick"));
        return true;
      case "r":
        return toClosing();
      case "Escape":
        window.location.assign(document.getElementById("back-to-queue").href);
        return true;
      case "?":
        return openHelp();
    }
    if (/^[1-9]$/.test(e.key)) {
      return choose(document.querySelector('#template-picker [data-key="' + e.key + '"]'));
    }
    return false;
  }

  document.addEventListener("keydown", function (e) {
    var dialog = document.querySelector("dialog[open]");
    if (dialog) {
      trap(dialog, e);
      return; // the dialog closes itself on Escape
    }
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) {
      return;
    }
    if (queueKey(e) || caseKey(e)) {
      e.preventDefault();
    }
  });

  // trap keeps Tab inside an open dialog, from its last control back to
  // its first and the other way round.
  function trap(dialog, e) {
    if (e.key !== "Tab") {
      return;
    }
    var controls = all("button, a[href], input, select, textarea", dialog);
    if (controls.length === 0) {
      return;
    }
    var first = controls[0];
    var last = controls[controls.length - 1];
    if (!dialog.contains(document.activeElement)) {
      first.focus();
    } else if (e.shiftKey && document.activeElement === first) {
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      first.focus();
    } else {
      return;
    }
    e.preventDefault();
  }

  // Closing the dialog gives the focus back to where it was.
  document.addEventListener("close", function (e) {
    if (e.target.id === "keys-help" && helpFrom && document.contains(helpFrom)) {
      helpFrom.focus();
    }
  }, true);

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-keys-help], #template-picker button");
    if (!t) {
      return;
    }
    if (t.hasAttribute("data-keys-help")) {
      openHelp();
    } else {
      choose(t);
    }
  });

  // A template chosen in a closing form's own list is previewed too.
  document.addEventListener("change", function (e) {
    var box = e.target.closest && e.target.closest("details[data-closing]");
    if (box && e.target.name === "template") {
      preview(box);
    }
  });

  // live is a polite live region outside the swapped content, for what
  // a swap confirms ("The case was closed"): made before any swap, as
  // screen readers announce changes only to regions they know of.
  function live() {
    var region = document.getElementById("keys-live");
    if (!region) {
      region = document.createElement("p");
      region.id = "keys-live";
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  // After htmx swapped a case in (the next case, or the same one after a
  // claim or a note): the focus moves to its heading, which tells screen
  // readers where they are, or to the reason a form was refused, and the
  // confirmation is announced. This runs as soon as the content is in,
  // so that it never takes the focus from where the next key moved it.
  function swappedIn() {
    if (!document.querySelector("[data-case-page]")) {
      return;
    }
    var refused = document.getElementById("form-error");
    var notice = document.querySelector("main .notice");
    live().textContent = notice ? notice.textContent.trim() : "";
    if (refused) {
      refused.tabIndex = -1;
      focusOn(refused);
      return;
    }
    window.scrollTo(0, 0);
    document.getElementById("case-title").focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSwap", swappedIn);
  document.addEventListener("htmx:historyRestore", swappedIn);

  live(); // deferred, the script runs once the body is there

  // The shortcuts work: say so.
  document.documentElement.classList.add("queue-keys");
})();
