// The body editor's "Browse..." window (admin/gallery/photo/picker.html).
// django-prose-editor opens it with ?CKEditorFuncNum=N and waits for the
// CKEditor 4 file browser call: callFunction(N, url, details).
"use strict";
{
  const funcNum = new URLSearchParams(window.location.search).get(
    "CKEditorFuncNum",
  );

  document.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-photo-url]");
    const editor = window.opener && window.opener.CKEDITOR;
    if (!choice || !editor || funcNum === null) {
      return;
    }
    editor.tools.callFunction(funcNum, choice.dataset.photoUrl, {
      id: choice.dataset.photoId,
      alternative_text: choice.dataset.photoAlt,
      caption: choice.dataset.photoCaption,
    });
    window.close();
  });
}
