"""Per-key rate limits (GCRA), in-process or shared through Redis; see ``backend``."""
