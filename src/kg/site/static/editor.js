/* The query editor's progressive enhancement: YASGUI (vendored, /-/static/vendor/yasgui/) in the form's place.
 * Without JavaScript, or if YASGUI did not load, /query stays a plain form whose answer the server draws.
 * With it:
 *  - queries run against the site's own /sparql (POST), shown by YASR (sortable table, downloads), each
 *    IRI with its label and linked to its page here (/query/labels);
 *  - autocompletion offers the project's prefixes and spkg's own classes and properties, with their
 *    labels, from /query/vocabulary.json (YASQE's default completers ask prefix.cc and LOV: not used,
 *    no request leaves the site);
 *  - the canned queries of the "Examples" list open in a new tab;
 *  - the URL keeps the query that ran (/query?query=…: the server runs that link too);
 *  - Esc then Tab (or Shift+Tab) leaves the editor (YASQE's Esc takes the focus out of it).
 * #yasgui's data-config (JSON) holds the endpoint, prefixes, examples and vocabulary URL.
 */
(function () {
  "use strict";

  function readConfig(host) {
    try {
      return JSON.parse(host.getAttribute("data-config"));
    } catch (e) {
      return null;
    }
  }

  // spkg's classes and properties, fetched once, when first completed
  var vocabulary = null;
  function loadVocabulary(url) {
    if (!vocabulary) {
      vocabulary = fetch(url, { headers: { accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { classes: [], properties: [] }; })
        .catch(function () { return { classes: [], properties: [] }; });
    }
    return vocabulary;
  }

  // A completion's text ("kg:Outcome" or "<https://…#Outcome>") as a full IRI, to find its label.
  function fullIri(yasqe, text) {
    if (text.charAt(0) === "<") { return text.slice(1, -1); }
    var colon = text.indexOf(":");
    var declared = yasqe.getPrefixesFromQuery();
    var ns = declared[text.slice(0, colon)];
    return ns ? ns + text.slice(colon + 1) : text;
  }

  // Forks of YASQE's "class" and "property" completers (they decide where a class or a property can go)
  // that complete from spkg's ontology instead of LOV, showing each term's label beside it.
  function registerCompleters(Yasqe, config) {
    function completer(name, from, key) {
      var labels = {};
      Yasqe.forkAutocompleter(from, {
        name: name,
        bulk: false,
        autoShow: true,
        get: function (yasqe, token) {
          var typed = (token && (token.autocompletionString || token.string)) || "";
          return loadVocabulary(config.vocabulary).then(function (found) {
            return (found[key] || []).filter(function (term) {
              labels[term.iri] = term.label;
              return term.iri.indexOf(typed) === 0;
            }).map(function (term) { return term.iri; });
          });
        },
        postprocessHints: function (yasqe, hints) {
          hints.forEach(function (hint) {
            var label = labels[fullIri(yasqe, hint.text)];
            if (label) { hint.displayText = hint.text + " · " + label; }
          });
          return hints;
        }
      }, false);
    }
    completer("spkg-classes", "class", "classes");
    completer("spkg-properties", "property", "properties");
    var prefixLines = Object.keys(config.prefixes).map(function (p) { return p + ": <" + config.prefixes[p] + ">"; });
    Yasqe.forkAutocompleter("prefixes", { name: "spkg-prefixes", get: prefixLines, persistenceId: "spkg-prefixes" },
      false);
    Yasqe.defaults.autocompleters = ["spkg-prefixes", "variables", "spkg-classes", "spkg-properties"];
  }

  // YASR's table shows IRIs: put each one's label beside it (where the graph has one) and link it to its
  // page on this site, as the server's table does. Rows are drawn page by page, so new ones are watched for.
  function labelResults(host, config) {
    var known = {}; // IRI -> {label, page}, or null once asked about
    var busy = false, again = false;
    function unlabelled() {
      return Array.prototype.filter.call(host.querySelectorAll(".yasr_results td a.iri:not([data-labelled])"),
        function (a) { return !a.closest("sup"); }); // not a literal's datatype
    }
    function annotate() {
      if (busy) { again = true; return; }
      var links = unlabelled();
      if (!links.length) { return; }
      var wanted = [];
      links.forEach(function (a) {
        var iri = a.getAttribute("href");
        if (!(iri in known) && wanted.indexOf(iri) < 0 && wanted.length < 1000) { wanted.push(iri); }
      });
      busy = true;
      var asked = !wanted.length ? Promise.resolve({}) : fetch(config.labels, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ iris: wanted })
      }).then(function (response) { return response.ok ? response.json() : {}; }).catch(function () { return {}; });
      asked.then(function (found) {
        wanted.forEach(function (iri) { known[iri] = found[iri] || null; });
        links.forEach(function (a) {
          var about = known[a.getAttribute("href")];
          a.setAttribute("data-labelled", "");
          if (!about) { return; }
          a.setAttribute("href", about.page);
          a.removeAttribute("target"); // a page of this site: open it here, as any link of the site
          if (about.label && about.label !== a.textContent) {
            var label = document.createElement("span");
            label.className = "iri-label";
            label.textContent = about.label;
            a.after(" ", label);
          }
        });
        busy = false;
        if (again) { again = false; annotate(); }
      });
    }
    new MutationObserver(annotate).observe(host, { childList: true, subtree: true });
    annotate();
  }

  // What axe-core (WCAG 2.1 A/AA, tests/site/test_axe.py) finds in YASGUI as it comes, mended as it draws:
  // CodeMirror's textarea and the results' page-size list have no name; the tab list holds a button ("+"),
  // which a tablist may not (moved just after the list, where it still adds a tab).
  function mendAccessibility(host) {
    function mend() {
      host.querySelectorAll(".CodeMirror textarea:not([aria-label])").forEach(function (area) {
        area.setAttribute("aria-label", "SPARQL query");
      });
      host.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (select) {
        select.setAttribute("aria-label", "Rows per page");
      });
      // the button alone: YASGUI adds each new tab before the button's item, which stays (empty) in the list
      host.querySelectorAll(".tabsList button.addTab").forEach(function (button) {
        var list = button.closest(".tabsList");
        list.parentNode.insertBefore(button, list.nextSibling);
      });
    }
    new MutationObserver(mend).observe(host, { childList: true, subtree: true });
    mend();
  }

  function editorUrl(config, query) {
    return config.editor + "?" + new URLSearchParams({ query: query }).toString();
  }

  function keepInUrl(config, query) {
    var url = editorUrl(config, query);
    if (location.pathname + location.search !== url) { history.replaceState(null, "", url); }
  }

  function init() {
    var Yasgui = window.Yasgui;
    var host = document.getElementById("yasgui");
    var config = host && readConfig(host);
    var form = document.getElementById("editor-form");
    var area = document.getElementById("query");
    if (!Yasgui || !config || !host || !form || !area) { return; } // the plain form stays
    registerCompleters(Yasgui.Yasqe, config);
    var endpoint = new URL(config.endpoint, location.href).href;
    // YASQE's Share button: the site's own link (/query?query=…, which also works without JavaScript),
    // not YASGUI's #-parameters, which this page does not read (populateFromUrl is off)
    Yasgui.Tab.prototype.getShareableLink = function () {
      return new URL(editorUrl(config, this.getQuery()), location.href).href;
    };
    host.hidden = false;
    form.hidden = true;
    document.getElementById("yasgui-keys").hidden = false;
    var yasgui = new Yasgui(host, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
      populateFromUrl: false, // the page's own ?query= and ?example= are handled below
      autofocus: false,
      yasqe: { value: area.value, autocompleters: Yasgui.Yasqe.defaults.autocompleters },
      yasr: { prefixes: config.prefixes }
    });
    labelResults(host, config);
    mendAccessibility(host);
    // The query the page came with (a link, an example) opens in its own tab unless the active one has it.
    var asked = new URLSearchParams(location.search);
    var active = yasgui.getTab();
    if ((asked.has("query") || asked.has("example")) && (!active || active.getQuery() !== area.value)) {
      yasgui.addTab(true, { yasqe: { value: area.value } });
    }
    yasgui.on("query", function (instance, tab) {
      keepInUrl(config, tab.getQuery());
      // the server's answer under the page is for the query the page came with
      ["server-results", "query-error"].forEach(function (id) {
        var stale = document.getElementById(id);
        if (stale) { stale.hidden = true; }
      });
    });
    var list = document.getElementById("example-list");
    if (list) {
      var byName = {};
      config.examples.forEach(function (e) { byName[e.name] = e; });
      list.addEventListener("click", function (event) {
        var link = event.target.closest("a.example");
        var example = link && byName[link.getAttribute("data-name")];
        if (!example || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
        event.preventDefault();
        var tab = yasgui.addTab(true, { name: example.summary, yasqe: { value: example.query } });
        history.replaceState(null, "", link.getAttribute("href"));
        tab.getYasqe().focus();
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
