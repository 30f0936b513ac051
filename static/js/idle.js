// The idle-timeout warning. <body> carries the timeout (data-idle-seconds), what was left of it
// when the page was made (data-idle-left-seconds), how stale the server's record of the last
// request may be (data-idle-slack-seconds), how long before the end to warn
// (data-idle-warning-seconds) and the keep-alive address (data-keep-alive-url). The clock
// restarts with every request the user makes from the page (htmx requests that are not
// background polls, counted as made "slack" seconds earlier, and the keep-alive). "继续工作" posts to the keep-alive address: the page
// stays as it is, with whatever has been typed into it.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds || "", 10);
  var warnBefore = parseInt(body.dataset.idleWarningSeconds || "", 10);
  var left = parseInt(body.dataset.idleLeftSeconds || "", 10);
  var slack = parseInt(body.dataset.idleSlackSeconds || "0", 10);
  var url = body.dataset.keepAliveUrl;
  if (!idle || !warnBefore || !url || isNaN(left)) return;

  var lastActivity = Date.now() - (idle - left) * 1000;
  var banner = null;
  var text = null;

  function csrfToken() {
    try {
      var headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) return headers["X-CSRFToken"];
    } catch (e) { /* fall through to the cookie */ }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function makeBanner() {
    banner = document.createElement("div");
    banner.className = "idle-warning";
    banner.setAttribute("role", "alertdialog");
    banner.hidden = true;
    text = document.createElement("span");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn primary";
    button.textContent = "继续工作";
    button.addEventListener("click", keepAlive);
    banner.appendChild(text);
    banner.appendChild(button);
    body.appendChild(banner);
  }

  function keepAlive() {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual",
    }).then(function (response) {
      if (response.status === 204) {
        lastActivity = Date.now();
        banner.hidden = true;
      } else {
        text.textContent = "登录已失效，请复制保存尚未提交的内容后重新登录。";
      }
    }).catch(function () {
      text.textContent = "无法连接服务器，请检查网络后再点“继续工作”。";
    });
  }

  function tick() {
    var left = idle - (Date.now() - lastActivity) / 1000;
    if (left > warnBefore) {
      if (banner && !banner.hidden) banner.hidden = true;
      return;
    }
    if (!banner) makeBanner();
    if (left <= 0) {
      text.textContent = "由于长时间未操作，已自动退出。请复制保存尚未提交的内容后重新登录。";
    } else {
      text.textContent = "您已较长时间未操作，" + Math.max(1, Math.ceil(left / 60)) + " 分钟后将自动退出";
    }
    banner.hidden = false;
  }

  // A request the user makes from the page (not a background poll) is activity.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.headers["X-Background"] !== "1") lastActivity = Date.now() - slack * 1000;
  });
  setInterval(tick, 1000);
})();
