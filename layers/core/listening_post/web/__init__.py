"""The briefs on the web: one API (Powertools' HTTP resolver) served locally by `listening-post serve` and
deployed behind API Gateway; the same routes in both places."""
