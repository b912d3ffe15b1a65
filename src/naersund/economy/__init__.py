"""The economic follow-up (issue 13, "det skal være tydeligt, hvad pengene bruges til"):
municipal budgets (BUDK32) and accounts (REGK31) from Statistics Denmark's statbank, health
spending excluding KMF per municipality, KKR and Denmark, its growth against an adjusted base
("løftet"), per citizen and per citizen 65+, KMF as its own series, and each municipality's
expected share of the ØA lift against its actual growth.

- :mod:`~naersund.economy.statbank` reads the statbank's CSV exports (all or nothing);
- :mod:`~naersund.economy.config` the YAML data of which functions count and how the base is
  adjusted (``data/functions.yaml``, ``data/regulation.yaml``);
- :mod:`~naersund.economy.figures` computes the figures and the seeds' sentences;
- :mod:`~naersund.economy.key` reads an imported distribution key;
- :mod:`~naersund.economy.synth` writes synthetic demo files (SYNTETISKE DATA).

No Django here: the web app ``naersund.web.economy`` stores the imports and calls this.
"""

from __future__ import annotations
