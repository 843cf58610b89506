from cadence_demo.cli import main

raise SystemExit(main())
