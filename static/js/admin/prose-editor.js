// The article body editor: django-prose-editor's "configurable" preset, but
// without the <style> element Tiptap injects by default, which the
// Content-Security-Policy (style-src 'self') blocks. Its rules are in
// css/admin/prose-editor.css instead. Enabled extensions come from the
// textarea's data attribute (articles.forms.BODY_EDITOR); to them we add
// "Upload image" into the media library, keep the writer out of captions,
// start the cursor at the end of the body, and name the menu's buttons in the
// editor's language.
import * as prose from "django-prose-editor/editor";

// The admin's script catalogue (admin/jsi18n/, loaded before this module),
// which carries our locale/*/LC_MESSAGES/djangojs.po; English without it.
const { gettext } = prose;

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

// --- The editor's language -------------------------------------------------------

// django-prose-editor translates its dialogs with the admin's gettext, but
// ships no Russian or Belarusian. Marked here, its strings stay in our djangojs
// catalogues through makemessages, and our translations reach its dialogs.
const gettext_noop = (text) => text;
const PROSE_EDITOR_STRINGS = [
  gettext_noop("Image URL"),
  gettext_noop("Browse..."),
  gettext_noop("Alternative Text"),
  gettext_noop("Caption"),
  gettext_noop("Edit Figure"),
  gettext_noop("Edit Image"),
  gettext_noop("Insert Figure"),
  gettext_noop("Insert"),
  gettext_noop("Update"),
  gettext_noop("Cancel"),
  gettext_noop("Add caption"),
  gettext_noop("Remove caption"),
  gettext_noop("URL"),
  gettext_noop("Title"),
  gettext_noop("Edit Link"),
  gettext_noop(
    "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.",
  ),
  gettext_noop("Edit HTML"),
  gettext_noop("Prettify"),
  gettext_noop("List properties"),
  gettext_noop("Start at"),
  gettext_noop("List type"),
  gettext_noop("Decimal numbers"),
  gettext_noop("Lowercase letters"),
  gettext_noop("Uppercase letters"),
  gettext_noop("Lowercase Roman numerals"),
  gettext_noop("Uppercase Roman numerals"),
  gettext_noop("Bullets"),
  gettext_noop("Table Properties"),
  gettext_noop("Rows"),
  gettext_noop("Columns"),
  gettext_noop("Include header row"),
  gettext_noop("Insert Table"),
];

// Its menu names most buttons in English only (their title and what screen
// readers say); the block menu lists headings and paragraphs by name too.
const MENU_LABELS = {
  paragraph: gettext("Paragraph"),
  bulletList: gettext("Bulleted list"),
  orderedList: gettext("Numbered list"),
  orderedListProperties: gettext("List properties"),
  blockquote: gettext("Quotation"),
  horizontalRule: gettext("Horizontal line"),
  figure: gettext("Image from the media library or an address"),
  bold: gettext("Bold"),
  italic: gettext("Italic"),
  underline: gettext("Underline"),
  strike: gettext("Strikethrough"),
  subscript: gettext("Subscript"),
  superscript: gettext("Superscript"),
  link: gettext("Link"),
  unlink: gettext("Remove link"),
  table: gettext("Insert table"),
  "table:addColumnAfter": gettext("Add column"),
  "table:deleteColumn": gettext("Delete column"),
  "table:addRowAfter": gettext("Add row"),
  "table:deleteRow": gettext("Delete row"),
  "table:mergeCells": gettext("Merge cells"),
  "table:splitCell": gettext("Split cell"),
  "table:toggleHeaderCell": gettext("Header cell"),
  "table:deleteTable": gettext("Delete table"),
  "history:undo": gettext("Undo"),
  "history:redo": gettext("Redo"),
  html: gettext("Edit HTML"),
};
const HEADING = /^heading(\d)$/;

function menuLabel(name) {
  const heading = HEADING.exec(name);
  if (heading) {
    return gettext("Heading %(level)s").replace("%(level)s", heading[1]);
  }
  return MENU_LABELS[name];
}

// Runs after every other extension has defined its menu items (it comes last),
// before the menu is built from them.
const MenuInTheEditorsLanguage = prose.Extension.create({
  name: "menuInTheEditorsLanguage",
  addMenuItems({ menu }) {
    const everyGroup = "blockType nodes lists marks link table history utility";
    for (const { name, button, option } of menu.items(everyGroup)) {
      const label = menuLabel(name);
      if (!label) continue;
      button.title = label;
      button.setAttribute("aria-label", label);
      if (option) option.textContent = label;
    }
  },
});

// --- Upload image ---------------------------------------------------------------

function uploadImage(editor, textarea, report) {
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
          title: gettext("Alternative text"),
          description: gettext(
            "What the image shows, for readers who cannot see it.",
          ),
          required: true,
        },
        caption: { type: "string", title: gettext("Caption") },
      },
      { title: file.name, submitText: gettext("Upload") },
    )(editor, {});
    if (!answers) return;
    const form = new FormData();
    form.append("image", file);
    form.append("alt_text", answers.altText);
    form.append("caption", answers.caption);
    report(gettext("Uploading the image…"), "status");
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
      report(gettext("The image could not be uploaded; try again."), "error");
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
    menu.defineItem({
      name: "uploadImage",
      groups: "nodes",
      button: buttons.text(
        gettext("Upload image"),
        gettext("Upload image: into this story, not the public gallery"),
      ),
      command(editor) {
        uploadImage(editor, textarea, report);
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
      MenuInTheEditorsLanguage,
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
