"""SPARQL text, whatever store runs it: the canned-query catalogue (:mod:`.catalogue`), the
product's own ``.rq`` files (:mod:`.files`), the checks a query passes before it runs
(:mod:`.guard`, :mod:`.syntax`) and values bound in a query's text (:mod:`.binding`)."""
