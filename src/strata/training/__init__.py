"""compile / fit / evaluate / predict: data adapters, compiled programs and the epoch loop."""
