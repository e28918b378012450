// Attain: a little progressive enhancement. Every page works without this file.
(function () {
  "use strict";
  // Copy a just-created API token with one click.
  document.querySelectorAll("[data-copy]").forEach(function (el) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(el.textContent).then(function () {
        button.textContent = "Copied";
      });
    });
    el.insertAdjacentText("afterend", " ");
    el.parentNode.insertBefore(button, el.nextSibling.nextSibling);
  });
  // Filters submit as soon as a choice changes.
  document.querySelectorAll("form.filters select").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Print folded sections too.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  // Say what is happening while a large import uploads.
  document.querySelectorAll("form.upload").forEach(function (form) {
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      if (b) { b.disabled = true; b.textContent = "Importing…"; }
    });
  });
  // Coaching: show the fields of the session's kind only (data-kinds lists the kinds they serve;
  // without this script every field shows).
  document.querySelectorAll("select[data-kind-switch]").forEach(function (select) {
    var show = function () {
      select.form.querySelectorAll("fieldset[data-kinds]").forEach(function (f) {
        f.hidden = f.getAttribute("data-kinds").split(" ").indexOf(select.value) < 0;
      });
    };
    select.addEventListener("change", show);
    show();
  });
})();
