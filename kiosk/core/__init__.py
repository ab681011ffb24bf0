"""Pure domain: models, rules, codes, clocks and text normalisation; standard library only."""
