// «Legg til person» on the household form: a new member fieldset from the formset's empty form.
(function () {
  var button = document.getElementById("add-member");
  if (!button) return;
  button.addEventListener("click", function () {
    var total = document.getElementById("id_members-TOTAL_FORMS");
    var index = parseInt(total.value, 10);
    var html = document.getElementById("member-template").innerHTML
      .replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
    document.getElementById("members").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var inputs = document.querySelectorAll("#members .member:last-child input");
    if (inputs.length) { inputs[0].focus(); }
  });
})();
