/* The case file Mini App: reads the launch data, shows the server's pages, wires buttons.
 * Telegram's telegram-web-app.js is served from telegram.org (no CDN here) and the SDKs come
 * through npm; the page needs only a few of their calls (back button, haptics, theme, links),
 * so it speaks Telegram's documented web-view bridge itself
 * (https://core.telegram.org/api/web-events), which is what those wrap. */
(function () {
  'use strict';

  var fragment = new URLSearchParams(location.hash.slice(1));
  var sdk = window.Telegram && window.Telegram.WebApp;
  var initData = (sdk && sdk.initData) || fragment.get('tgWebAppData') || '';
  var app = document.getElementById('app');
  var toastBox = document.getElementById('toast');
  var current = null;  // the case shown, or null for the list
  var shown = '';  // the HTML shown, so an unchanged page is not redrawn
  var handlers = {};

  // ---- Telegram's bridge: events out, events in.
  function postEvent(type, data) {
    var payload = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) {
        window.TelegramWebviewProxy.postEvent(type, payload);
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({eventType: type, eventData: data || {}}), '*');
      }
    } catch (e) { /* outside Telegram there is nobody to tell */ }
  }
  function receiveEvent(type, data) {
    if (handlers[type]) { handlers[type](data || {}); }
  }
  if (!sdk) {
    window.Telegram = window.Telegram || {};
    window.Telegram.WebView = {receiveEvent: receiveEvent};
    window.addEventListener('message', function (event) {
      try {
        var message = JSON.parse(event.data);
        receiveEvent(message.eventType, message.eventData);
      } catch (e) { /* not Telegram's */ }
    });
  } else if (sdk.onEvent) {
    sdk.onEvent('backButtonClicked', function () { receiveEvent('back_button_pressed'); });
  }
  function haptic(kind) {
    if (sdk && sdk.HapticFeedback) {
      sdk.HapticFeedback.notificationOccurred(kind);
    } else {
      postEvent('web_app_trigger_haptic_feedback', {type: 'notification', notification_type: kind});
    }
  }
  function backButton(visible) {
    if (sdk && sdk.BackButton) {
      if (visible) { sdk.BackButton.show(); } else { sdk.BackButton.hide(); }
    } else {
      postEvent('web_app_setup_back_button', {is_visible: visible});
    }
  }

  // ---- Telegram's theme colours.
  var THEME = {bg_color: '--bg', text_color: '--text', hint_color: '--hint', link_color: '--link',
    button_color: '--button', button_text_color: '--button-text',
    secondary_bg_color: '--card', section_bg_color: '--card'};
  function applyTheme(params) {
    Object.keys(THEME).forEach(function (key) {
      var value = params && params[key];
      if (typeof value === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(value)) {
        document.documentElement.style.setProperty(THEME[key], value);
      }
    });
  }
  try {
    applyTheme(sdk ? sdk.themeParams : JSON.parse(fragment.get('tgWebAppThemeParams') || '{}'));
  } catch (e) { /* the default colours stay */ }
  handlers.theme_changed = function (data) { applyTheme(data.theme_params); };
  handlers.back_button_pressed = function () { open(null); };

  // ---- The server.
  function Denied() {}
  function api(path, options) {
    options = options || {};
    options.headers = {Authorization: 'tma ' + initData};
    return fetch(path, options).then(function (response) {
      if (response.status === 401) { throw new Denied(); }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response;
    });
  }
  function page() { return app.querySelector('.page') || app; }
  function fail(error) {
    if (error instanceof Denied) {
      app.hidden = true;
      document.getElementById('denied').hidden = false;
    } else if (current !== null && error.message === '404') {
      open(null);
    } else {
      document.getElementById('failed').hidden = false;
    }
  }

  function load() {
    var path = current === null ? '/app/api/cases' : '/app/api/cases/' + current;
    return api(path).then(function (r) { return r.text(); }).then(function (html) {
      if (html === shown) { return; }
      var opened = Array.prototype.map.call(app.querySelectorAll('details'),
        function (d) { return d.open; });
      var sameCase = app.querySelector('.page') && page().dataset.case === String(current);
      shown = html;
      app.innerHTML = html;
      if (sameCase) {
        app.querySelectorAll('details').forEach(function (d, i) {
          if (i < opened.length) { d.open = opened[i]; }
        });
      }
      decorate();
      tick();
    });
  }
  function open(no) {
    current = no;
    shown = '';
    backButton(no !== null);
    window.scrollTo(0, 0);
    load().catch(fail);
  }

  // ---- What the server's HTML needs from the browser.
  function decorate() {
    var label = page().dataset.copy || 'Copy';
    app.querySelectorAll('.tg pre').forEach(function (pre) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy';
      button.textContent = label;
      pre.insertAdjacentElement('afterend', button);
    });
    app.querySelectorAll('img[data-src]').forEach(function (img) {
      api(img.dataset.src).then(function (r) { return r.blob(); }).then(function (blob) {
        img.src = URL.createObjectURL(blob);
        img.classList.add('loaded');
      }).catch(function () { img.classList.add('broken'); });
    });
  }
  function span(seconds, units) {
    var d = Math.floor(seconds / 86400);
    var h = Math.floor(seconds % 86400 / 3600);
    var m = Math.floor(seconds % 3600 / 60);
    if (d > 0) { return d + units[0] + ' ' + h + units[1]; }
    if (h > 0) { return h + units[1] + ' ' + m + units[2]; }
    return m + units[2] + ' ' + Math.floor(seconds % 60) + units[3];
  }
  function tick() {
    var data = page().dataset;
    if (!data.units) { return; }
    var units = data.units.split(',');
    var now = Date.now() / 1000;
    app.querySelectorAll('time[data-deadline]').forEach(function (el) {
      var left = Number(el.dataset.deadline) - now;
      el.textContent = (left >= 0 ? data.left : data.over) + ' ' + span(Math.abs(left), units);
      el.classList.toggle('over', left < 0);
    });
  }

  function toast(text) {
    toastBox.textContent = text;
    toastBox.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { toastBox.hidden = true; }, 2500);
  }
  function copy(text) {
    var data = page().dataset;
    var done = function () { haptic('success'); toast(data.copied); };
    var fallback = function () {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'offscreen';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      if (ok) { done(); } else { haptic('error'); toast(data.copyFailed); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }
  function act(name, button) {
    var data = page().dataset;
    button.disabled = true;
    api('/app/api/cases/' + current + '/' + name, {method: 'POST'})
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        haptic('success');
        toast(answer.notice || (answer.in_chat ? data.inChat : data.done));
        return load();
      })
      .catch(fail)
      .then(function () { button.disabled = false; });
  }

  app.addEventListener('click', function (event) {
    var target = event.target.closest('button, a');
    if (!target) { return; }
    if (target.dataset.open) {
      open(Number(target.dataset.open));
    } else if (target.dataset.copyText !== undefined) {
      copy(target.dataset.copyText);
    } else if (target.classList.contains('copy')) {
      copy(target.previousElementSibling.textContent);
    } else if (target.dataset.action) {
      act(target.dataset.action, target);
    } else if (target.tagName === 'A' && window.TelegramWebviewProxy) {
      event.preventDefault();  // Telegram opens links outside the Mini App
      postEvent('web_app_open_link', {url: target.href});
    }
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { load().catch(fail); }
  });
  setInterval(tick, 1000);
  setInterval(function () { if (!document.hidden) { load().catch(fail); } }, 30000);

  postEvent('web_app_ready');
  postEvent('web_app_expand');
  var start = new URLSearchParams(location.search).get('case');
  open(start && /^\d+$/.test(start) ? Number(start) : null);
}());
