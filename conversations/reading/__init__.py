"""Reading what users type: normalisation, times, windows and the facts of a story."""
