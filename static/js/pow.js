// The ALTCHA widget (served by the app from vendor/, see config/settings.py) solves a proof of
// work before an anonymous form is sent. This registers its worker from our own static files
// (the CSP allows no blob: workers) and gives it our words; the footer's outside link is
// dropped, as the app links nowhere outside.
(function () {
  var altcha = globalThis.$altcha;
  if (!altcha) return;
  var me = document.querySelector("script[data-altcha-workers]");
  var workers = me ? me.getAttribute("data-altcha-workers") : "";
  ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"].forEach(function (name) {
    altcha.algorithms.set(name, function () { return new Worker(workers + "pbkdf2.js"); });
  });
  var words = {
    label: "正在确认是本人发送（手机会算一小会儿）",
    verifying: "正在确认……",
    verified: "已确认，可以提交",
    error: "确认没有成功，请稍后再试。",
    expired: "确认已过期，请再点一次。",
    verificationRequired: "请稍候，确认完成后再提交。",
    waitAlert: "正在确认，请稍候。",
    loading: "正在加载……",
    reload: "重新确认",
    verify: "确认",
    cancel: "取消",
    footer: "",
    ariaLinkLabel: "",
  };
  altcha.i18n.set("zh-cn", words);
  var english = altcha.i18n.get ? altcha.i18n.get("en") : null;
  if (english) altcha.i18n.set("en", Object.assign({}, english, { footer: "", ariaLinkLabel: "" }));
})();

// A second tap while the work is being done sends nothing: the widget sends the form itself
// when it is done. A form the page sends by itself (a ballot read from its QR code) is sent
// once the work is done.
document.querySelectorAll("form").forEach(function (form) {
  var widget = form.querySelector("altcha-widget");
  if (!widget) return;
  form.addEventListener("submit", function (event) {
    if (widget.getState && widget.getState() === "verifying") {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  if (form.hasAttribute("data-autosubmit")) {
    widget.addEventListener("statechange", function (event) {
      if (event.detail && event.detail.state === "verified") form.submit();
    });
    setTimeout(function () { if (widget.verify) widget.verify(); }, 0);
  }
});
