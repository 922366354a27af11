// Click-to-reveal for images in reported and held content: each image's
// own button shows it unblurred, and blurs it again. Whether images start
// blurred is the user's setting, a class on <body> that console.css reads;
// this file only flips one image's "revealed" class.
//
// Without this file the images stay blurred, the safe side. Nothing here
// is inline, as the console's content security policy requires. One
// listener on the document serves buttons that htmx swaps in later too.
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("button[data-reveal]") : null;
    var image = button ? button.closest(".guarded") : null;
    if (image) {
      image.classList.toggle("revealed");
    }
  });
})();
