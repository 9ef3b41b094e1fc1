from prism_lint.cli import main

raise SystemExit(main())
