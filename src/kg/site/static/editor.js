/* The query editor's progressive enhancement (spkg's own code, no library).
 * Without JavaScript /query is a plain form; with it:
 *  - SPARQL highlighting, drawn in a <pre> under a transparent textarea;
 *  - Ctrl+Enter (Cmd+Enter) runs the query (submits the form: the query stays in the URL);
 *  - "Add missing prefixes" inserts the PREFIX lines for known prefixes the query uses.
 */
(function () {
  "use strict";
  var KEYWORDS = ("SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|DISTINCT|REDUCED|FROM|NAMED|GRAPH|OPTIONAL|UNION|" +
    "MINUS|FILTER|BIND|VALUES|SERVICE|SILENT|GROUP|BY|ORDER|ASC|DESC|HAVING|LIMIT|OFFSET|AS|NOT|EXISTS|IN|COUNT|SUM|" +
    "MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|UNDEF|a|true|false|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|" +
    "BNODE|YEAR|MONTH|DAY|NOW|CONTAINS|STRSTARTS|STRENDS|REGEX|LCASE|UCASE|CONCAT|COALESCE|IF|isIRI|isLiteral");
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                   // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\\s]*>)",                                // 3 IRI
    "([?$][A-Za-z_][\\w]*)",                        // 4 variable
    "([A-Za-z][\\w.-]*:[\\w.-]*|:[\\w.-]+)",        // 5 prefixed name
    "(\\b\\d+(?:\\.\\d+)?\\b)",                     // 6 number
    "\\b(" + KEYWORDS + ")\\b"                      // 7 keyword
  ].join("|"), "gi");
  var CLASSES = [null, "hl-com", "hl-str", "hl-iri", "hl-var", "hl-pn", "hl-num", "hl-kw"];

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function highlight(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, m.index));
      for (var i = 1; i < CLASSES.length; i++) {
        if (m[i] !== undefined) {
          out += '<span class="' + CLASSES[i] + '">' + escapeHtml(m[0]) + "</span>";
          break;
        }
      }
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function knownPrefixes() {
    var found = {};
    var items = document.querySelectorAll("#known-prefixes li[data-prefix]");
    for (var i = 0; i < items.length; i++) {
      found[items[i].getAttribute("data-prefix")] = items[i].getAttribute("data-ns");
    }
    return found;
  }

  function missingPrefixLines(text) {
    var known = knownPrefixes(), declared = {}, lines = [], m;
    var decl = /PREFIX\s+([A-Za-z][\w.-]*)?:/gi;
    while ((m = decl.exec(text)) !== null) { declared[m[1] || ""] = true; }
    var body = text.replace(/#[^\n]*/g, "").replace(/<[^<>\s]*>/g, "").replace(/"(?:[^"\\\n]|\\.)*"/g, "");
    var used = /(?:^|[\s(,;{\/^|!])([A-Za-z][\w-]*):(?=[A-Za-z_\d])/g;
    while ((m = used.exec(body)) !== null) {
      var p = m[1];
      if (known[p] && !declared[p]) { declared[p] = true; lines.push("PREFIX " + p + ": <" + known[p] + ">"); }
    }
    return lines;
  }

  function init() {
    var form = document.getElementById("editor-form");
    var area = document.getElementById("query");
    if (!form || !area) { return; }
    var wrap = area.parentNode;
    var pre = document.createElement("pre");
    pre.className = "highlight";
    pre.setAttribute("aria-hidden", "true");
    wrap.insertBefore(pre, area);
    wrap.className += " enhanced";
    function redraw() {
      pre.innerHTML = highlight(area.value);
      pre.scrollTop = area.scrollTop;
      pre.scrollLeft = area.scrollLeft;
    }
    area.addEventListener("input", redraw);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; pre.scrollLeft = area.scrollLeft; });
    // Tab indents; after Esc, Tab and Shift+Tab move focus out as on any page, so that a keyboard
    // user is never held in the editor (the #19 audit: 53 Shift+Tabs from the top to reach Run).
    var leaving = false;
    area.addEventListener("focus", function () { leaving = false; });
    area.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        leaving = true;
        return;
      }
      var leave = leaving;
      if (e.key !== "Shift") { leaving = false; }
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      } else if (e.key === "Tab" && !leave && !e.shiftKey && !e.ctrlKey && !e.altKey) {
        e.preventDefault();
        var s = area.selectionStart;
        area.setRangeText("  ", s, area.selectionEnd, "end");
        redraw();
      }
    });
    var actions = form.querySelector(".actions");
    if (actions) {
      var add = document.createElement("button");
      add.type = "button";
      add.id = "add-prefixes";
      add.textContent = "Add missing prefixes";
      add.addEventListener("click", function () {
        var lines = missingPrefixLines(area.value);
        if (lines.length) { area.value = lines.join("\n") + "\n" + area.value; redraw(); }
        area.focus();
      });
      actions.insertBefore(add, actions.children[1] || null);
    }
    redraw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
