/* Newsroom's public pages: small enhancements on top of pages that work
   without them. A static file, as the Content-Security-Policy allows no
   inline script. */
(function () {
  "use strict";

  var WIDE_SCREEN = "(min-width: 60rem)";
  var SLIDE_SECONDS = 7;

  /* The filter form: open on wide screens, folded on phones (the server
     opens it when a filter was rejected). */
  function unfoldOnWideScreens(details) {
    if (window.matchMedia(WIDE_SCREEN).matches) {
      details.open = true;
    }
  }

  /* A long list of organizations: a box that hides the names not matching
     what the reader types. Chosen ones always stay in view. */
  function addOrganizationSearch(field, index) {
    var fieldset = field.querySelector("fieldset");
    var options = Array.prototype.slice.call(
      field.querySelectorAll("input[type=checkbox]")
    );
    var list = options.length ? options[0].closest("label").parentElement.parentElement : null;
    if (!fieldset || options.length < 8 || !list) {
      return;
    }
    var box = document.createElement("div");
    box.className = "choice-search";
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = "choice-search-" + index;
    input.autocomplete = "off";
    input.setAttribute("aria-controls", list.id || "");
    label.htmlFor = input.id;
    label.textContent = field.dataset.searchLabel;
    box.appendChild(label);
    box.appendChild(input);
    list.classList.add("choice-list");
    fieldset.insertBefore(box, list);
    input.addEventListener("input", function () {
      var words = input.value.trim().toLocaleLowerCase();
      options.forEach(function (option) {
        var row = option.closest("label").parentElement;
        var text = row.textContent.toLocaleLowerCase();
        row.hidden = Boolean(words) && !option.checked && text.indexOf(words) === -1;
      });
    });
  }

  /* The home page's photos: previous, next, pause, arrow keys, and a slow
     turn that stops while the pointer or focus is on the carousel, at the
     reader's request, and for readers who ask for less motion. */
  function setUpCarousel(carousel) {
    var strip = carousel.querySelector(".gallery-slider");
    var slides = Array.prototype.slice.call(strip.querySelectorAll(".gallery-slide"));
    var controls = carousel.querySelector(".gallery-controls");
    var pause = carousel.querySelector("[data-carousel-pause]");
    if (slides.length < 2) {
      return;
    }
    var stoppedByReader = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var held = false;
    var timer = null;

    function current() {
      var left = strip.scrollLeft;
      var nearest = 0;
      slides.forEach(function (slide, index) {
        var distance = Math.abs(slide.offsetLeft - strip.offsetLeft - left);
        var best = Math.abs(slides[nearest].offsetLeft - strip.offsetLeft - left);
        if (distance < best) {
          nearest = index;
        }
      });
      return nearest;
    }

    function show(index) {
      var target = slides[(index + slides.length) % slides.length];
      strip.scrollTo({ left: target.offsetLeft - strip.offsetLeft, behavior: "smooth" });
    }

    function update() {
      var rotating = !stoppedByReader && !held;
      window.clearInterval(timer);
      timer = rotating
        ? window.setInterval(function () { show(current() + 1); }, SLIDE_SECONDS * 1000)
        : null;
      // Announce slide changes only when the reader makes them.
      strip.setAttribute("aria-live", rotating ? "off" : "polite");
      pause.textContent = stoppedByReader ? pause.dataset.labelPlay : pause.dataset.labelPause;
    }

    carousel.querySelector("[data-carousel-previous]").addEventListener("click", function () {
      show(current() - 1);
    });
    carousel.querySelector("[data-carousel-next]").addEventListener("click", function () {
      show(current() + 1);
    });
    pause.addEventListener("click", function () {
      stoppedByReader = !stoppedByReader;
      update();
    });
    strip.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        show(current() + (event.key === "ArrowRight" ? 1 : -1));
      }
    });
    ["mouseenter", "focusin"].forEach(function (name) {
      carousel.addEventListener(name, function () { held = true; update(); });
    });
    carousel.addEventListener("mouseleave", function () {
      held = carousel.contains(document.activeElement);
      update();
    });
    carousel.addEventListener("focusout", function (event) {
      held = carousel.contains(event.relatedTarget) || carousel.matches(":hover");
      update();
    });
    controls.hidden = false;
    update();
  }

  function start() {
    document.querySelectorAll("details[data-open-on-wide-screens]").forEach(unfoldOnWideScreens);
    document.querySelectorAll(".field[data-search-label]").forEach(addOrganizationSearch);
    document.querySelectorAll("[data-carousel]").forEach(setUpCarousel);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
