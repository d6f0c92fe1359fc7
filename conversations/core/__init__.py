"""The pure core: the case, the engine and its states, deadlines, channels, text facts."""
