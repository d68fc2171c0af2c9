// The article body editor: django-prose-editor's "configurable" preset, but
// without the <style> element Tiptap injects by default, which the
// Content-Security-Policy (style-src 'self') blocks. Its rules are in
// css/admin/prose-editor.css instead. Enabled extensions come from the
// textarea's data attribute (articles.forms.BODY_EDITOR); to them we add
// "Upload image" into the media library, keep the writer out of captions, and
// start the cursor at the end of the body.
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

// --- No caption trap ----------------------------------------------------------

// The position just after the figure around the selection, or null.
function afterFigure(state) {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type.name === "figure") {
      return $from.after(depth);
    }
  }
  return null;
}

// Put the cursor in an empty paragraph after the figure (made if the next
// block is not one), as Enter at the end of a paragraph would.
function leaveFigure(tr, position) {
  const paragraph = tr.doc.type.schema.nodes.paragraph;
  const next = tr.doc.resolve(position).nodeAfter;
  if (!next || next.type !== paragraph || next.content.size > 0) {
    tr.insert(position, paragraph.create());
  }
  return tr.setSelection(
    prose.pm.state.TextSelection.near(tr.doc.resolve(position + 1)),
  );
}

const countFigures = (doc) => {
  let figures = 0;
  doc.descendants((node) => {
    if (node.type.name === "figure") figures += 1;
  });
  return figures;
};

// A figure just inserted (from the image dialog, an upload or a paste) leaves
// the cursor after it, not in its caption; Enter in a caption leaves it too.
const NoCaptionTrap = prose.Extension.create({
  name: "noCaptionTrap",
  addKeyboardShortcuts() {
    return {
      Enter: ({ editor }) => {
        if (!editor.isActive("caption")) return false;
        const position = afterFigure(editor.state);
        if (position === null) return false;
        editor.view.dispatch(leaveFigure(editor.state.tr, position));
        return true;
      },
    };
  },
  addProseMirrorPlugins() {
    return [
      new prose.Plugin({
        appendTransaction(transactions, before, after) {
          if (!transactions.some((tr) => tr.docChanged)) return null;
          if (countFigures(after.doc) <= countFigures(before.doc)) return null;
          const position = afterFigure(after);
          return position === null ? null : leaveFigure(after.tr, position);
        },
      }),
    ];
  },
});

// --- Where the cursor starts ----------------------------------------------------

// Until the writer puts the cursor in the body, it waits at the end of it, so
// that an image uploaded or anything else inserted from the menu goes below
// the story, not silently above it. Once placed, the cursor stays where the
// writer left it, with or without the focus. Created after the menu, whose
// first transaction adds the trailing paragraph the cursor goes into.
const CursorStartsAtTheEnd = prose.Extension.create({
  name: "cursorStartsAtTheEnd",
  onCreate({ editor }) {
    const { state } = editor;
    editor.view.dispatch(
      state.tr.setSelection(prose.pm.state.Selection.atEnd(state.doc)),
    );
  },
});

// --- Upload image ---------------------------------------------------------------

function uploadImage(editor, textarea, texts, report) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = "image/jpeg,image/png,image/webp,image/gif";
  input.hidden = true;
  textarea.closest(".prose-editor").append(input);
  input.addEventListener("change", async () => {
    const file = input.files[0];
    input.remove();
    if (!file) return;
    const answers = await prose.updateAttrsDialog(
      {
        altText: {
          type: "string",
          title: texts.altText,
          description: texts.altHelp,
          required: true,
        },
        caption: { type: "string", title: texts.caption },
      },
      { title: file.name, submitText: texts.submit },
    )(editor, {});
    if (!answers) return;
    const form = new FormData();
    form.append("image", file);
    form.append("alt_text", answers.altText);
    form.append("caption", answers.caption);
    report(texts.uploading, "status");
    let result;
    try {
      const response = await fetch(textarea.dataset.uploadUrl, {
        method: "POST",
        body: form,
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": textarea.form.elements.csrfmiddlewaretoken.value,
        },
      });
      result = await response.json();
      if (!response.ok) {
        report(result.errors.join(" "), "error");
        return;
      }
    } catch {
      report(texts.failed, "error");
      return;
    }
    report("", "status");
    const figure = [{ type: "image", attrs: { src: result.url, alt: result.alt } }];
    if (result.caption) {
      figure.push({
        type: "caption",
        content: [{ type: "text", text: result.caption }],
      });
    }
    editor
      .chain()
      .focus()
      .insertContent([{ type: "figure", content: figure }, { type: "paragraph" }])
      .run();
  });
  input.click();
}

// A message above the editor: uploading, or why a file was refused.
function reporter(wrapper) {
  const message = document.createElement("p");
  message.className = "prose-editor-upload-message";
  message.hidden = true;
  wrapper.before(message);
  return (text, kind) => {
    message.textContent = text;
    message.hidden = !text;
    message.setAttribute("role", kind === "error" ? "alert" : "status");
    message.classList.toggle("errornote", kind === "error");
  };
}

const LibraryUpload = prose.Extension.create({
  name: "libraryUpload",
  addOptions() {
    return { textarea: null, report: () => {} };
  },
  addMenuItems({ menu, buttons }) {
    const { textarea, report } = this.options;
    if (!textarea?.dataset.uploadUrl) return;
    // The labels, in the editor's language, come from articles.forms.
    const texts = JSON.parse(textarea.dataset.uploadTexts);
    menu.defineItem({
      name: "uploadImage",
      groups: "nodes",
      button: buttons.text(texts.button, texts.title),
      command(editor) {
        uploadImage(editor, textarea, texts, report);
      },
    });
  },
});

// ------------------------------------------------------------------------------

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
    extensions: [
      ...enabledExtensions(config),
      NoCaptionTrap,
      prose.TrailingNode,
      CursorStartsAtTheEnd,
      LibraryUpload.configure({ textarea, report: reporter(wrapper) }),
    ],
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
