I18N.define('en', {
  'common.language': 'Language',
});
