// Message bundles for the web pages. Every text a person reads comes from a bundle:
//   /assets/i18n/<page>.<lang>.js, each calling I18N.define(lang, { 'page.key': 'text with {param}' }).
// Pages load i18n.js, then the bundles they need (common and their own, every language), then their script.
// Keys are prefixed with the page: common.*, player.*, facilitator.*, replay.*.
'use strict';
const I18N = (() => {
  const LANGUAGES = { en: 'English', de: 'Deutsch' };
  const FALLBACK = 'en';
  const bundles = {};
  const missing = new Set();

  function chooseLanguage() {
    const stored = safeStorage('qd.lang');
    if (stored && LANGUAGES[stored]) return stored;
    for (const tag of navigator.languages || [navigator.language || FALLBACK]) {
      const base = String(tag).toLowerCase().split('-')[0];
      if (LANGUAGES[base]) return base;
    }
    return FALLBACK;
  }
  function safeStorage(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
    return null;
  }
  let lang = chooseLanguage();

  /** Adds messages for a language (called by the bundle files). */
  function define(language, messages) {
    bundles[language] = Object.assign(bundles[language] || {}, messages);
  }

  /** The text for key in the current language, with {name} replaced from params. */
  function t(key, params) {
    let text = bundles[lang] && bundles[lang][key];
    if (text === undefined) {
      missing.add(lang + ':' + key);
      text = bundles[FALLBACK] && bundles[FALLBACK][key];
    }
    if (text === undefined) text = key;
    if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined ? m : String(params[name])));
    return text;
  }

  /** Fills every [data-i18n] element's text and [data-i18n-<attribute>] attribute under root. */
  function apply(root) {
    const scope = root || document;
    document.documentElement.lang = lang;
    scope.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.getAttribute('data-i18n')); });
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      scope.querySelectorAll('[data-i18n-' + attr + ']').forEach((e) => {
        e.setAttribute(attr, t(e.getAttribute('data-i18n-' + attr)));
      });
    }
  }

  /** Switches language; the page reloads so every text, drawn or not yet drawn, follows. */
  function setLanguage(language) {
    if (!LANGUAGES[language] || language === lang) return;
    safeStorage('qd.lang', language);
    lang = language;
    location.reload();
  }

  /** A labelled language switch for a page's header. */
  function switcher() {
    const select = document.createElement('select');
    select.id = 'lang';
    select.setAttribute('aria-label', t('common.language'));
    for (const [code, name] of Object.entries(LANGUAGES)) {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = name;
      option.selected = code === lang;
      select.append(option);
    }
    select.addEventListener('change', () => setLanguage(select.value));
    return select;
  }

  /** Keys of every bundle, per language; tests compare them to find a missing translation. */
  function keys(language) { return Object.keys(bundles[language] || {}).sort(); }

  return { define, t, apply, setLanguage, switcher, keys, missing, languages: LANGUAGES, get lang() { return lang; } };
})();
