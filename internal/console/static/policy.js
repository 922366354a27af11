// The policy editor's helpers: line numbers beside the document, lint
// problems whose line:column moves the cursor there, the document marked
// invalid while it has problems, and a review's Save button withdrawn once
// the text changes (the server refuses unreviewed text anyway).
//
// The editor works without this file; htmx does the live lint. Nothing
// here is inline, as the console's content security policy requires, and
// elements are looked up on every event, so swapped-in content works too.
(function () {
  "use strict";

  function editor() {
    return document.getElementById("policy-document");
  }

  // number writes one number per line of the document into the gutter and
  // keeps it scrolled alongside.
  function number(doc) {
    var gutter = document.getElementById("policy-gutter");
    if (!gutter) {
      return;
    }
    var lines = doc.value.split("\n").length, text = "";
    for (var i = 1; i <= lines; i++) {
      text += i + "\n";
    }
    if (gutter.textContent !== text) {
      gutter.textContent = text;
    }
    gutter.scrollTop = doc.scrollTop;
    gutter.parentElement.classList.add("numbered");
  }

  // jump puts the cursor at line:column (1-based) and scrolls it into view.
  function jump(doc, line, column) {
    var lines = doc.value.split("\n"), pos = 0;
    line = Math.min(Math.max(line, 1), lines.length);
    for (var i = 0; i < line - 1; i++) {
      pos += lines[i].length + 1;
    }
    pos += Math.min(Math.max(column, 1) - 1, lines[line - 1].length);
    doc.focus();
    doc.setSelectionRange(pos, pos);
    var height = parseFloat(getComputedStyle(doc).lineHeight) || 20;
    doc.scrollTop = Math.max(0, (line - 3) * height);
    number(doc);
  }

  document.addEventListener("input", function (e) {
    if (e.target !== editor()) {
      return;
    }
    number(e.target);
    var save = document.getElementById("policy-save"), stale = document.getElementById("policy-save-stale");
    if (save && !save.disabled) {
      save.disabled = true;
      if (stale) {
        stale.hidden = false;
      }
    }
  });

  // Scrolling does not bubble: listen while it goes down.
  document.addEventListener("scroll", function (e) {
    if (e.target === editor()) {
      number(e.target);
    }
  }, true);

  document.addEventListener("click", function (e) {
    var at = e.target.closest && e.target.closest("#policy-lint a.lint-at"), doc = editor();
    if (!at || !doc) {
      return;
    }
    e.preventDefault();
    jump(doc, Number(at.dataset.line), Number(at.dataset.column));
  });

  document.addEventListener("htmx:afterSwap", function () {
    var doc = editor(), result = document.getElementById("policy-lint-body");
    if (!doc || !result) {
      return;
    }
    if (result.dataset.problems === "0") {
      doc.removeAttribute("aria-invalid");
    } else {
      doc.setAttribute("aria-invalid", "true");
    }
  });

  var doc = editor();
  if (doc) {
    number(doc);
  }
})();
