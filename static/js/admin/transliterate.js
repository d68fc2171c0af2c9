// The article form's slug preview: Django's URLify drops Belarusian ў and
// spells Cyrillic its own way, so Cyrillic is first spelled in Latin with the
// table the server uses (articles/slugs.py, rendered by the change form as
// #slug-transliteration). The server still makes the slug on save.
"use strict";
{
  const urlify = window.URLify;
  let letters = null;

  function lettersFor(language) {
    if (letters === null) {
      const data = document.getElementById("slug-transliteration");
      letters = data ? JSON.parse(data.textContent) : { table: {}, overrides: {} };
    }
    return Object.assign({}, letters.table, letters.overrides[language] || {});
  }

  if (urlify) {
    window.URLify = function (text, maxLength, allowUnicode) {
      const language = document.getElementById("id_language");
      const table = lettersFor(language ? language.value : "");
      const latin = Array.from(text.toLowerCase(), (c) =>
        c in table ? table[c] : c,
      ).join("");
      return urlify(latin, maxLength, allowUnicode);
    };
  }
}
