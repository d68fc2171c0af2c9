// The article body editor: django-prose-editor's "configurable" preset, but
// without the <style> element Tiptap injects by default, which the
// Content-Security-Policy (style-src 'self') blocks. Its rules are in
// css/admin/prose-editor.css instead. Enabled extensions come from the
// textarea's data attribute (articles.forms.BODY_EDITOR).
import * as prose from "django-prose-editor/editor";

const ATTRIBUTE = "data-django-prose-editor-newsroom";
const EMPTY = /^<(\w+)(\s[^>]*)?><\/\1>$/i;

function enabledExtensions(config) {
  const enabled = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = prose[name];
    if (extension) {
      enabled.push(
        typeof options === "object" ? extension.configure(options) : extension,
      );
    }
  }
  return enabled;
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) {
    return null;
  }
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  const editor = new prose.Editor({
    element: wrapper,
    editable: !disabled,
    extensions: enabledExtensions(config),
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = EMPTY.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", {
      detail: { editor, textarea },
      bubbles: true,
    }),
  );
  return editor;
}

prose.initializeEditors(createEditor, `[${ATTRIBUTE}]`);
