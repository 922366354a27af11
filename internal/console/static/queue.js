// Keyboard shortcuts of Vigil's moderation queue: j / k (or the down and
// up arrows) move a visible selection through the cases, Enter opens the
// selected case and c claims it by submitting its row's claim form.
//
// The page works without this file; it only adds the shortcuts and shows
// the line that explains them. Nothing here is inline, as the console's
// content security policy requires. The rows are looked up on every key,
// so a table that htmx swapped in works the same.
(function () {
  "use strict";

  var selectedClass = "is-selected";

  // rows are the queue's case rows, in order.
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr[data-case]"));
  }

  // typing reports whether the key goes into a form control, where the
  // letters and arrows are the user's text and choices.
  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName));
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

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) {
      return;
    }
    var list = rows();
    if (list.length === 0) {
      return;
    }
    var i = list.findIndex(function (r) { return r.classList.contains(selectedClass); });
    var row = i >= 0 ? list[i] : null;
    switch (e.key) {
      case "j":
      case "ArrowDown":
        select(list, Math.min(i + 1, list.length - 1));
        break;
      case "k":
      case "ArrowUp":
        select(list, Math.max(i - 1, 0));
        break;
      case "Enter":
        // A focused link or button does what Enter does anyway.
        var active = document.activeElement;
        if (!row || (active && /^(A|BUTTON)$/.test(active.tagName))) {
          return;
        }
        window.location.assign(row.querySelector("a.case-link").href);
        break;
      case "c":
        var claim = row && row.querySelector("form.claim");
        if (!claim) {
          return;
        }
        claim.requestSubmit();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  // The shortcuts work: say so.
  document.documentElement.classList.add("queue-keys");
})();
