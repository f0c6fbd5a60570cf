"""FastAPI service exposing movequal (grown in the service issue)."""
