"""Round drop checks: every row of every delivered file accounted for. The drop assets are
declared (not materializable from the UI), so `round_drops_job`'s staging op checks the row
accounting itself and fails the run when it does not add up (assets/drops/assets.py)."""

drops_checks: list = []
