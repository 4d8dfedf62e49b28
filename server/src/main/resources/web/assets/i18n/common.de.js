I18N.define('de', {
  'common.language': 'Sprache',
});
