// Skip logic on the survey answer page: hide a question while its condition is not met (the
// server drops its answer anyway, so the page works without this script).
(function () {
  var form = document.getElementById("respond-form");
  if (!form) return;
  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }
  function apply() {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var source = document.getElementById("sporsmal-" + el.dataset.showIf.slice(1));
      var shown = (!source || !source.hidden) && checked(el.dataset.showIf) === el.dataset.showIfValue;
      el.hidden = !shown;
      el.style.display = shown ? "" : "none";  // a layout class may override [hidden]
    });
  }
  form.addEventListener("change", apply);
  apply();
})();
