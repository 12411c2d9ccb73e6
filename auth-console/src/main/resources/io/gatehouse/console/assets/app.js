// Gatehouse admin console. Plain JavaScript, no framework, no build step.
// Rules kept here on purpose: every piece of data reaches the page through textContent (never
// innerHTML); the admin token is sent once to sign in and forgotten; nothing goes to localStorage,
// sessionStorage or a URL; every state-changing call carries the session's CSRF token.
(function () {
  'use strict';

  var state = { csrf: null, session: null, page: 'tokens' };
  var PAGES = ['tokens', 'admin', 'jwks', 'secrets', 'network', 'check', 'audit'];

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function button(text, className, onClick) {
    var node = el('button', text, className);
    node.type = 'button';
    node.addEventListener('click', onClick);
    return node;
  }

  // ---- talking to the server ----

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function call(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    if (method !== 'GET' && state.csrf) { headers['X-CSRF-Token'] = state.csrf; }
    if (state.session && state.session.spaceHeader) { headers[state.session.spaceHeader] = state.session.space; }
    return fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error'
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var message = (data && (data.error || data.detail || data.title)) || ('HTTP ' + response.status);
          throw new ApiError(response.status, message);
        }
        return data;
      });
    });
  }

  function api(method, path, body) {
    return call(method, 'api/' + path, body).catch(function (error) {
      if (error instanceof ApiError && error.status === 401) {
        signedOut('Your session has ended. Please sign in again.');
      }
      throw error;
    });
  }

  // ---- errors next to the field that caused them ----

  function clearErrors(scope) {
    scope.querySelectorAll('.field-error').forEach(function (p) { p.textContent = ''; });
    scope.querySelectorAll('[aria-invalid]').forEach(function (f) { f.removeAttribute('aria-invalid'); });
  }

  function fieldFor(form, message) {
    var fields = form.querySelectorAll('input[data-keywords], textarea[data-keywords]');
    if (fields.length === 1) { return fields[0]; }
    var lower = String(message).toLowerCase();
    for (var i = 0; i < fields.length; i++) {
      var words = fields[i].getAttribute('data-keywords').split(' ');
      for (var j = 0; j < words.length; j++) {
        if (words[j] && lower.indexOf(words[j]) >= 0) { return fields[i]; }
      }
    }
    return null;
  }

  function showError(scope, error, field) {
    var message = error instanceof ApiError || (error && error.message) ? error.message : String(error);
    var target = field || (scope.tagName === 'FORM' ? fieldFor(scope, message) : null);
    var slot = target ? scope.querySelector('[data-error-for="' + target.id + '"]') : null;
    if (target && slot) {
      target.setAttribute('aria-invalid', 'true');
      slot.textContent = message;
      target.focus();
      return;
    }
    var general = document.querySelector('[data-error-for="' + scope.id + '"]');
    if (general) { general.textContent = message; } else { notice(message, true); }
  }

  function notice(message, bad) {
    var node = $('notice');
    node.textContent = message;
    node.className = bad ? 'notice bad' : 'notice';
    node.hidden = false;
  }

  // ---- sign-in, session, spaces ----

  function signedOut(message) {
    state.csrf = null;
    state.session = null;
    $('app').hidden = true;
    $('whoami').hidden = true;
    $('signin').hidden = false;
    $('signin-cancel').hidden = true;
    clearErrors($('signin-form'));
    if (message) { $('signin-form').querySelector('[data-error-for="signin-token"]').textContent = message; }
    $('signin-token').focus();
  }

  function signedIn(session) {
    state.session = session;
    state.csrf = session.csrf;
    $('signin').hidden = true;
    $('app').hidden = false;
    $('whoami').hidden = false;
    var switcher = $('space-switcher');
    switcher.textContent = '';
    session.spaces.forEach(function (space) {
      var option = el('option', space);
      option.value = space;
      option.selected = space === session.space;
      switcher.appendChild(option);
    });
    $('who-subject').textContent = 'signed in as ' + session.subject +
        (session.permissions.length ? ' (' + session.permissions.join(', ') + ')' : '');
    showPage(pageFromHash());
  }

  function signIn(event) {
    event.preventDefault();
    var form = $('signin-form');
    var input = $('signin-token');
    var token = input.value.trim();
    input.value = ''; // the token is not kept by this page, not even in the field
    clearErrors(form);
    if (!token) { showError(form, 'Paste an admin token.', input); return; }
    call('POST', 'session', { token: token }).then(signedIn, function (error) {
      showError(form, error, input);
    });
    token = null;
  }

  function signOut() {
    call('DELETE', 'session').then(function () { signedOut(); }, function () { signedOut(); });
  }

  function switchSpace() {
    call('POST', 'session/space', { space: $('space-switcher').value }).then(signedIn, function (e) {
      notice(e.message, true);
    });
  }

  function addSpace() {
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-cancel').hidden = false;
    $('signin-token').focus();
  }

  function cancelAddSpace() {
    $('signin').hidden = true;
    $('app').hidden = false;
  }

  // ---- pages ----

  function pageFromHash() {
    var name = location.hash.replace('#', '');
    return PAGES.indexOf(name) >= 0 ? name : 'tokens';
  }

  function showPage(name) {
    state.page = name;
    $('notice').hidden = true;
    PAGES.forEach(function (page) { $('page-' + page).hidden = page !== name; });
    document.querySelectorAll('.tabs button').forEach(function (tab) {
      if (tab.getAttribute('data-page') === name) { tab.setAttribute('aria-current', 'page'); }
      else { tab.removeAttribute('aria-current'); }
    });
    if (name === 'tokens' || name === 'admin') { loadTokens(); }
    if (name === 'jwks' || name === 'secrets' || name === 'network') { loadSettings(); }
    if (name === 'audit') { loadAudit(); }
  }

  function when(iso) {
    if (!iso) { return '—'; }
    return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, ' UTC');
  }

  function badge(text) { return el('span', text, 'badge ' + String(text).toLowerCase()); }

  function cell(row, content) {
    var td = el('td');
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content; }
    row.appendChild(td);
    return td;
  }

  function emptyRow(tbody, columns, text) {
    var row = el('tr');
    var td = el('td', text, 'empty');
    td.colSpan = columns;
    row.appendChild(td);
    tbody.appendChild(row);
  }

  // ---- tokens ----

  function loadTokens() {
    api('GET', 'tokens').then(function (data) {
      renderTokens(data.tokens.filter(function (t) { return t.kind === 'api'; }), false);
      renderTokens(data.tokens.filter(function (t) { return t.kind === 'admin'; }), true);
      api('GET', 'tokens/limits').then(showLimits, function () { /* a server without limits */ });
    }, function (e) { notice(e.message, true); });
  }

  // Usage limits under each limited token's status: rate limits and the credits left.
  function showLimits(data) {
    (data.limits || []).forEach(function (l) {
      if (l.token === 'default') { return; }
      var parts = [];
      if (l.rate) { parts.push('rate ' + l.rate); }
      if (l.uses !== null && l.uses !== undefined) {
        parts.push((l.remaining === null || l.remaining === undefined ? l.uses : l.remaining) + ' of ' + l.uses + ' uses left');
      }
      if (l.refill) { parts.push('refill ' + l.refill); }
      document.querySelectorAll('tr[data-token-id="' + CSS.escape(l.token) + '"] td:nth-last-child(2)').forEach(function (td) {
        td.appendChild(el('div', parts.join(' · '), 'muted limits'));
      });
    });
  }

  function renderTokens(tokens, admin) {
    var table = $(admin ? 'admin-table' : 'token-table');
    var tbody = table.querySelector('tbody');
    tbody.textContent = '';
    if (!tokens.length) { emptyRow(tbody, 8, admin ? 'No admin tokens in this space.' : 'No API tokens yet.'); }
    tokens.forEach(function (t) {
      var row = el('tr');
      row.setAttribute('data-token-id', t.id);
      cell(row, t.name || '(unnamed)');
      cell(row, el('code', t.masked));
      if (admin) {
        cell(row, t.owner || '—');
        cell(row, t.permissions.join(', ') || '—');
      } else {
        cell(row, t.access);
        cell(row, when(t.createdAt));
      }
      cell(row, t.lastUsedAt ? when(t.lastUsedAt) : 'never');
      cell(row, t.expiresAt ? when(t.expiresAt) : 'never');
      var status = cell(row, badge(t.status));
      if (t.previousValidUntil) {
        status.appendChild(el('div', 'old secret valid until ' + when(t.previousValidUntil), 'muted'));
      }
      if (t.origins && t.origins.length) {
        status.appendChild(el('div', 'usable from ' + t.origins.join(', '), 'muted'));
      }
      var actions = cell(row, '');
      actions.className = 'actions';
      if (t.status !== 'revoked') {
        actions.appendChild(button('Rotate', 'small secondary', function () { rotate(t, table); }));
        actions.appendChild(button('Revoke', 'small danger', function () { revoke(t, table); }));
      }
      tbody.appendChild(row);
    });
  }

  function createToken(event, admin) {
    event.preventDefault();
    var form = event.target;
    clearErrors(form);
    var body;
    if (admin) {
      var permissions = [];
      form.querySelectorAll('input[name="perm"]:checked').forEach(function (c) { permissions.push(c.value); });
      list($('admin-extra').value).forEach(function (p) { permissions.push(p); });
      body = { kind: 'admin', name: $('admin-name').value.trim(), team: $('admin-owner').value.trim() || null,
               permissions: permissions };
      if (!permissions.length) { showError(form, 'Choose at least one permission.', $('admin-extra')); return; }
      var adminExpiry = $('admin-expiry').value.trim();
      if (adminExpiry) { body.expiresIn = adminExpiry; }
    } else {
      body = { kind: 'api', name: $('token-name').value.trim(), readOnly: $('token-access').value === 'READ',
               permissions: [] };
      var expiry = $('token-expiry').value.trim();
      if (expiry) { body.expiresIn = expiry; }
    }
    api('POST', 'tokens', body).then(function (created) {
      form.reset();
      showSecret((admin ? 'New admin token ' : 'New API token ') + (created.info.name || created.info.id), created.token);
      loadTokens();
    }, function (e) { showError(form, e); });
  }

  function revoke(token, table) {
    confirmAction('Revoke "' + (token.name || token.id) + '" (' + token.masked + ')? Requests using it are refused at once.',
      false, function () {
        api('DELETE', 'tokens/' + encodeURIComponent(token.id)).then(function () {
          notice('Revoked ' + (token.name || token.id) + '.');
          loadTokens();
        }, function (e) { showError(table, e); });
      });
  }

  function rotate(token, table) {
    confirmAction('Rotate "' + (token.name || token.id) + '"? A new secret is issued.', true, function (grace) {
      api('POST', 'tokens/' + encodeURIComponent(token.id) + '/rotate', { grace: grace }).then(function (created) {
        showSecret('Rotated ' + (created.info.name || created.info.id), created.token);
        loadTokens();
      }, function (e) { showError(table, e); });
    });
  }

  // ---- audit log ----

  function loadAudit(event) {
    if (event) { event.preventDefault(); }
    var form = $('audit-form');
    clearErrors(form);
    var since = $('audit-since').value.trim() || '24h';
    api('GET', 'audit?since=' + encodeURIComponent(since) + '&verify=true').then(renderAudit, function (e) {
      showError(form, e);
    });
  }

  function renderAudit(data) {
    var verification = data.verification;
    var verdict = $('audit-verify');
    verdict.textContent = verification.message;
    verdict.className = 'badge ' + (verification.ok ? 'active' : 'revoked');
    var tbody = $('audit-table').querySelector('tbody');
    tbody.textContent = '';
    if (!data.entries.length) { emptyRow(tbody, 8, 'No entries in this period.'); return; }
    data.entries.slice().reverse().forEach(function (entry) { // newest first
      var row = el('tr');
      cell(row, entry.seq);
      cell(row, when(entry.at));
      cell(row, entry.actor);
      cell(row, entry.clientAddress);
      cell(row, entry.action);
      cell(row, entry.target);
      cell(row, badge(entry.outcome));
      cell(row, entry.detail);
      tbody.appendChild(row);
    });
  }

  // ---- settings: issuers, secrets, allowlist, denylist, proxies ----

  function loadSettings() {
    api('GET', 'settings').then(renderSettings, function (e) { notice(e.message, true); });
  }

  function renderSettings(settings) {
    var jwks = settings.issuers.filter(function (i) { return i.jwks; });
    var secrets = settings.issuers.filter(function (i) { return !i.jwks; });
    var tbody = $('issuer-table').querySelector('tbody');
    tbody.textContent = '';
    if (!jwks.length) { emptyRow(tbody, 5, 'No JWKS issuers in this space.'); }
    jwks.forEach(function (i) {
      var row = el('tr');
      cell(row, i.issuer);
      cell(row, el('code', i.jwks));
      audienceCell(row, i);
      cell(row, i.algorithms.join(', ') || 'per key (RS256 without alg)');
      var actions = cell(row, '');
      actions.className = 'actions';
      actions.appendChild(button('Remove', 'small danger', function () { removeIssuer(i.issuer, $('issuer-table')); }));
      tbody.appendChild(row);
    });
    var sbody = $('secret-table').querySelector('tbody');
    sbody.textContent = '';
    if (!secrets.length) { emptyRow(sbody, 5, 'No HS secrets in this space.'); }
    secrets.forEach(function (i) {
      var row = el('tr');
      cell(row, i.issuer);
      cell(row, i.secretBits + '-bit secret, fingerprint ' + (i.secretFingerprint || 'unknown') + ' (never shown again)');
      audienceCell(row, i);
      cell(row, i.algorithms.join(', ') || 'default');
      var actions = cell(row, '');
      actions.className = 'actions';
      actions.appendChild(button('Remove', 'small danger', function () { removeIssuer(i.issuer, $('secret-table')); }));
      sbody.appendChild(row);
    });
    var allow = $('allow-list');
    allow.textContent = '';
    if (!settings.allow.length) { allow.appendChild(el('li', 'empty: every address may connect', 'empty')); }
    settings.allow.forEach(function (cidr) {
      var item = el('li');
      item.setAttribute('data-cidr', cidr);
      item.appendChild(el('code', cidr));
      item.appendChild(button('Remove', 'small danger', function () { removeAllowed(cidr); }));
      allow.appendChild(item);
    });
    var deny = $('deny-list');
    var denied = settings.deny || []; // a server from before denylists sends none
    deny.textContent = '';
    if (!denied.length) { deny.appendChild(el('li', 'empty: no address is denied', 'empty')); }
    denied.forEach(function (cidr) {
      var item = el('li');
      item.setAttribute('data-cidr', cidr);
      item.appendChild(el('code', cidr));
      item.appendChild(button('Remove', 'small danger', function () { removeDenied(cidr); }));
      deny.appendChild(item);
    });
    var proxies = settings.proxies;
    var from = proxies.cidrs.length ? proxies.cidrs.join(', ') : '';
    $('proxy-current').textContent = 'Now trusted: ' + (proxies.hops > 0
        ? proxies.hops + ' hop(s) from ' + (from || 'any peer. Warning: a client that reaches the'
            + ' port directly chooses its own address; add the proxies\' CIDRs')
        : (from || 'none (the socket peer is the client)'));
  }

  function list(text) {
    return text.split(/[\s,]+/).filter(function (s) { return s.length > 0; });
  }

  // An issuer that accepts any audience, or one refused for lack of an audience, must be seen.
  function audienceCell(row, issuer) {
    var td = cell(row, issuer.audiences.join(', ') || (issuer.anyAudience ? 'ANY' : 'none'));
    if (issuer.warning) { td.appendChild(el('div', 'Warning: ' + issuer.warning, 'warning')); }
  }

  function audienceChoice(form, audiences, any, input) {
    if (!audiences.length && !any) {
      showError(form, 'Enter the audience (the aud claim tokens for this API carry), or tick "any audience".', input);
      return false;
    }
    return true;
  }

  function saveJwks(event) {
    event.preventDefault();
    var form = $('jwks-form');
    clearErrors(form);
    var body = { issuer: $('jwks-issuer').value.trim(), jwks: $('jwks-url').value.trim(),
                 audiences: list($('jwks-audiences').value), anyAudience: $('jwks-any-audience').checked,
                 algorithms: list($('jwks-algorithms').value) };
    if (!body.issuer) { showError(form, 'Enter the issuer (the exact iss claim).', $('jwks-issuer')); return; }
    if (!body.jwks) { showError(form, 'Enter the JWKS URL.', $('jwks-url')); return; }
    if (!audienceChoice(form, body.audiences, body.anyAudience, $('jwks-audiences'))) { return; }
    api('PUT', 'jwks', body).then(function (settings) {
      notice('Saved issuer ' + body.issuer + '.');
      renderSettings(settings);
    }, function (e) { showError(form, e); });
  }

  function testFetch() {
    var form = $('jwks-form');
    clearErrors(form);
    var url = $('jwks-url').value.trim();
    if (!url) { showError(form, 'Enter the JWKS URL to fetch.', $('jwks-url')); return; }
    call('POST', 'jwks-test', { url: url }).then(function (report) {
      $('jwks-report').hidden = false;
      var health = $('jwks-health');
      health.textContent = report.health;
      health.className = 'badge ' + report.health.toLowerCase();
      var summary = report.keys.length + ' key(s)';
      if (report.httpStatus) { summary += ', HTTP ' + report.httpStatus; }
      if (report.millis !== undefined) { summary += ', ' + report.millis + ' ms'; }
      if (report.problem) { summary += ' — ' + report.problem; }
      $('jwks-summary').textContent = summary;
      var tbody = $('jwks-report').querySelector('tbody');
      tbody.textContent = '';
      if (!report.keys.length) { emptyRow(tbody, 6, 'No keys.'); }
      report.keys.forEach(function (k) {
        var row = el('tr');
        cell(row, k.kid || '—');
        cell(row, k.kty || '—');
        cell(row, k.alg || '—');
        cell(row, k.use || '—');
        cell(row, k.bits ? k.bits + ' bits' : (k.crv || '—'));
        cell(row, k.usable ? 'yes' : 'no');
        tbody.appendChild(row);
      });
    }, function (e) { showError(form, e, $('jwks-url')); });
  }

  function removeIssuer(issuer, table) {
    confirmAction('Stop trusting issuer "' + issuer + '"? Its tokens are refused at once.', false, function () {
      api('POST', 'issuers/remove', { issuer: issuer }).then(function (settings) {
        notice('Removed issuer ' + issuer + '.');
        renderSettings(settings);
      }, function (e) { showError(table, e); });
    });
  }

  function base64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function generateSecret(event) {
    event.preventDefault();
    var form = $('secret-form');
    clearErrors(form);
    var issuer = $('secret-issuer').value.trim();
    if (!issuer) { showError(form, 'Enter the issuer (the exact iss claim).', $('secret-issuer')); return; }
    var audiences = list($('secret-audiences').value);
    var anyAudience = $('secret-any-audience').checked;
    if (!audienceChoice(form, audiences, anyAudience, $('secret-audiences'))) { return; }
    var algorithm = $('secret-algorithm').value;
    var bytes = new Uint8Array(parseInt(algorithm.substring(2), 10) / 8);
    crypto.getRandomValues(bytes);
    var secret = base64url(bytes);
    api('PUT', 'jwt-secret', { issuer: issuer, secret: secret, audiences: audiences, anyAudience: anyAudience,
                               algorithms: [algorithm] }).then(function (settings) {
      form.reset();
      showSecret('New ' + algorithm + ' secret for ' + issuer + ' (base64url)', secret);
      renderSettings(settings);
    }, function (e) { showError(form, e); });
  }

  function addAllowed(event) {
    event.preventDefault();
    var form = $('allow-form');
    clearErrors(form);
    var cidr = $('allow-cidr').value.trim();
    if (!cidr) { showError(form, 'Enter an address or a CIDR block.', $('allow-cidr')); return; }
    api('POST', 'whitelist', { cidrs: [cidr] }).then(function (settings) {
      form.reset();
      notice('Added ' + cidr + ' to the allowlist.');
      renderSettings(settings);
    }, function (e) { showError(form, e, $('allow-cidr')); });
  }

  function removeAllowed(cidr) {
    confirmAction('Remove ' + cidr + ' from the allowlist?', false, function () {
      api('POST', 'whitelist/remove', { cidrs: [cidr] }).then(function (settings) {
        notice('Removed ' + cidr + ' from the allowlist.');
        renderSettings(settings);
      }, function (e) { showError($('allow-list'), e); });
    });
  }

  function addDenied(event) {
    event.preventDefault();
    var form = $('deny-form');
    clearErrors(form);
    var cidr = $('deny-cidr').value.trim();
    if (!cidr) { showError(form, 'Enter an address or a CIDR block.', $('deny-cidr')); return; }
    api('POST', 'denylist', { cidrs: [cidr] }).then(function (settings) {
      form.reset();
      notice('Added ' + cidr + ' to the denylist.');
      renderSettings(settings);
    }, function (e) { showError(form, e, $('deny-cidr')); });
  }

  function removeDenied(cidr) {
    confirmAction('Remove ' + cidr + ' from the denylist?', false, function () {
      api('POST', 'denylist/remove', { cidrs: [cidr] }).then(function (settings) {
        notice('Removed ' + cidr + ' from the denylist.');
        renderSettings(settings);
      }, function (e) { showError($('deny-list'), e); });
    });
  }

  function saveProxies(event) {
    event.preventDefault();
    var form = $('proxy-form');
    clearErrors(form);
    var hops = $('proxy-hops').value.trim();
    api('PUT', 'trusted-proxies', { cidrs: list($('proxy-cidrs').value), hops: hops ? Number(hops) : 0 })
      .then(function (settings) {
        notice('Saved trusted proxies.');
        renderSettings(settings);
      }, function (e) { showError(form, e); });
  }

  // ---- why was this refused? ----

  function explain(event) {
    event.preventDefault();
    var form = $('check-form');
    clearErrors(form);
    var headers = $('check-headers').value.split('\n').map(function (h) { return h.trim(); })
        .filter(function (h) { return h.length > 0; });
    var ip = $('check-ip').value.trim();
    api('POST', 'check', { method: $('check-method').value, path: $('check-path').value.trim(),
                           headers: headers, ip: ip || null }).then(function (result) {
      $('check-result').hidden = false;
      var verdict = $('check-verdict');
      verdict.textContent = (result.allowed ? 'ALLOWED ' : 'REFUSED ') + result.status;
      verdict.className = 'badge ' + (result.allowed ? 'allow' : 'deny');
      $('check-explain').textContent = result.explain;
    }, function (e) { showError(form, e); });
  }

  // ---- dialogs ----

  function showSecret(title, secret) {
    $('secret-title').textContent = title;
    $('secret-value').textContent = secret;
    $('secret-copied').hidden = true;
    $('secret-dialog').showModal();
  }

  function copySecret() {
    var value = $('secret-value').textContent;
    var done = function () { $('secret-copied').hidden = false; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, selectSecret);
    } else {
      selectSecret();
    }
  }

  function selectSecret() {
    var range = document.createRange();
    range.selectNodeContents($('secret-value'));
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function confirmAction(text, withGrace, onConfirm) {
    var dialog = $('confirm-dialog');
    $('confirm-text').textContent = text;
    $('confirm-extra').hidden = !withGrace;
    var ok = $('confirm-ok');
    var fresh = ok.cloneNode(true); // drop the previous action's listener
    ok.parentNode.replaceChild(fresh, ok);
    fresh.addEventListener('click', function () {
      dialog.close();
      onConfirm($('confirm-grace').value);
    });
    dialog.showModal();
  }

  // ---- wiring ----

  function start() {
    $('signin-form').addEventListener('submit', signIn);
    $('signin-cancel').addEventListener('click', cancelAddSpace);
    $('sign-out').addEventListener('click', signOut);
    $('space-switcher').addEventListener('change', switchSpace);
    $('add-space').addEventListener('click', addSpace);
    document.querySelectorAll('.tabs button').forEach(function (tab) {
      tab.addEventListener('click', function () { location.hash = tab.getAttribute('data-page'); });
    });
    window.addEventListener('hashchange', function () { if (state.session) { showPage(pageFromHash()); } });
    $('token-form').addEventListener('submit', function (e) { createToken(e, false); });
    $('admin-form').addEventListener('submit', function (e) { createToken(e, true); });
    $('jwks-form').addEventListener('submit', saveJwks);
    $('jwks-test').addEventListener('click', testFetch);
    $('secret-form').addEventListener('submit', generateSecret);
    $('allow-form').addEventListener('submit', addAllowed);
    $('deny-form').addEventListener('submit', addDenied);
    $('proxy-form').addEventListener('submit', saveProxies);
    $('check-form').addEventListener('submit', explain);
    $('audit-form').addEventListener('submit', loadAudit);
    $('secret-copy').addEventListener('click', copySecret);
    $('secret-close').addEventListener('click', function () { $('secret-dialog').close(); });
    $('secret-dialog').addEventListener('close', function () { $('secret-value').textContent = ''; });
    $('confirm-cancel').addEventListener('click', function () { $('confirm-dialog').close(); });
    call('GET', 'session').then(signedIn, function () { signedOut(); });
  }

  document.addEventListener('DOMContentLoaded', start);
}());
