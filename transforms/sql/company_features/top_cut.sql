SELECT coalesce(quantile_cont(n_backed, 0.9), 0) AS cut FROM investor_track
