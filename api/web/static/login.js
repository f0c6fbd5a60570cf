/* movequal: sign-in page — carries ?next= into the form and explains a failed attempt. */
(function () {
  "use strict";

  var mq = window.mq;

  /** Only same-site paths are allowed as the place to return to ("/x", never "//host" or "http:"). */
  function safeNext(value) {
    if (!value || value.charAt(0) !== "/" || value.charAt(1) === "/" || value.charAt(1) === "\\") { return "/"; }
    if (value.indexOf("/login") === 0) { return "/"; }
    return value;
  }

  function init() {
    var next = safeNext(mq.query("next"));
    document.getElementById("next").value = next;
    if (mq.query("error")) {
      mq.showAlert("That key was not accepted. Check it and try again; keys are case-sensitive.");
      document.getElementById("key").focus();
    }
    var form = document.getElementById("login-form");
    form.addEventListener("submit", function (ev) {
      var key = document.getElementById("key");
      if (!key.value.trim()) {
        ev.preventDefault();
        mq.showAlert("Enter your clinic's API key.");
        key.focus();
        return;
      }
      document.getElementById("login-submit").disabled = true;
    });
    // Coming back with the browser's Back button must not leave the button disabled.
    window.addEventListener("pageshow", function () { document.getElementById("login-submit").disabled = false; });
  }

  init();
})();
