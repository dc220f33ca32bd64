"""`python -m kg.ingest FILE|FOLDER...`: the same as `kg ingest`."""

from kg.ingest.cli import main

raise SystemExit(main())
