SELECT round(avg(succeeded), 9) AS rate FROM past_population
